/* N-API surface of the probe: class Probe { constructor(config); load(); attach(name);
 * drain(buffer, cpus?) → bytes; pending(); counters(); programs(); detach(name?) → links
 * destroyed; links() → [{program, id}]; close() }.
 * One Probe per instance (napi_wrap); no globals besides libbpf's print hook. Option
 * validation with precise messages lives in native/lib/binding.ts; here only types. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "napi_check.h"
#include "probe.h"
#include "kes_probe.h"

#define MAX_ARGS 4

static napi_value throw_probe(napi_env env, struct kes_probe *p)
{
	napi_value msg, code, err, eno;
	const char *c = "KES_PROBE";
	if (p->last_errno == EPERM || p->last_errno == EACCES)
		c = "KES_PROBE_PERM";
	napi_create_string_utf8(env, p->err, NAPI_AUTO_LENGTH, &msg);
	napi_create_string_utf8(env, c, NAPI_AUTO_LENGTH, &code);
	napi_create_error(env, code, msg, &err);
	napi_create_int32(env, p->last_errno, &eno);
	napi_set_named_property(env, err, "errno", eno);
	napi_throw(env, err);
	return NULL;
}

static struct kes_probe *this_probe(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv)
{
	napi_value self;
	void *ptr = NULL;
	if (napi_get_cb_info(env, info, argc, argv, &self, NULL) != napi_ok)
		return NULL;
	if (napi_unwrap(env, self, &ptr) != napi_ok || !ptr) {
		napi_throw_error(env, "KES_NATIVE", "not a Probe");
		return NULL;
	}
	return ptr;
}

static int get_u32(napi_env env, napi_value obj, const char *key, uint32_t *out)
{
	bool has = false;
	napi_value v;
	if (napi_has_named_property(env, obj, key, &has) != napi_ok || !has)
		return 0;
	if (napi_get_named_property(env, obj, key, &v) != napi_ok)
		return -1;
	napi_valuetype t;
	napi_typeof(env, v, &t);
	if (t == napi_undefined)
		return 0;
	if (t == napi_boolean) {
		bool b;
		napi_get_value_bool(env, v, &b);
		*out = b;
		return 0;
	}
	if (t != napi_number)
		return -1;
	return napi_get_value_uint32(env, v, out) == napi_ok ? 0 : -1;
}

static void finalize(napi_env env, void *data, void *hint)
{
	struct kes_probe *p = data;
	kes_probe_close(p);
	free(p);
}

static napi_value probe_new(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1], self;
	CHECK(env, napi_get_cb_info(env, info, &argc, argv, &self, NULL));
	REQUIRE_ARG(env, argc == 1, "Probe(config) needs a config object");
	napi_valuetype t;
	CHECK(env, napi_typeof(env, argv[0], &t));
	REQUIRE_ARG(env, t == napi_object, "Probe(config): config must be an object");

	struct kes_probe_config cfg = {0};
	uint32_t env_flag = 0, ring_kb = 0;
	if (get_u32(env, argv[0], "excludeTgid", &cfg.exclude_tgid) || get_u32(env, argv[0], "snaplen", &cfg.snaplen) ||
	    get_u32(env, argv[0], "captureEnv", &env_flag) || get_u32(env, argv[0], "nrings", &cfg.nrings) ||
	    get_u32(env, argv[0], "ringKiB", &ring_kb) || get_u32(env, argv[0], "mergeLagUs", &cfg.merge_lag_us)) {
		napi_throw_type_error(env, "KES_NATIVE_ARG", "Probe(config): numeric option of the wrong type");
		return NULL;
	}
	cfg.capture_env = env_flag != 0;
	bool has_lag = false;
	CHECK(env, napi_has_named_property(env, argv[0], "mergeLagUs", &has_lag));
	if (has_lag) {
		napi_value lv;
		napi_valuetype lt;
		CHECK(env, napi_get_named_property(env, argv[0], "mergeLagUs", &lv));
		CHECK(env, napi_typeof(env, lv, &lt));
		cfg.merge_lag_set = lt == napi_number;
	}
	cfg.ring_bytes = (uint64_t)ring_kb * 1024;

	char **list = NULL;
	bool has = false;
	CHECK(env, napi_has_named_property(env, argv[0], "loadOnly", &has));
	if (has) {
		napi_value arr;
		CHECK(env, napi_get_named_property(env, argv[0], "loadOnly", &arr));
		bool isarr = false;
		CHECK(env, napi_is_array(env, arr, &isarr));
		if (isarr) {
			uint32_t n;
			CHECK(env, napi_get_array_length(env, arr, &n));
			list = calloc(n + 1, sizeof(char *));
			for (uint32_t i = 0; i < n; i++) {
				napi_value s;
				char buf[64];
				size_t l = 0;
				CHECK(env, napi_get_element(env, arr, i, &s));
				if (napi_get_value_string_utf8(env, s, buf, sizeof(buf), &l) != napi_ok) {
					for (uint32_t j = 0; j < i; j++)
						free(list[j]);
					free(list);
					napi_throw_type_error(env, "KES_NATIVE_ARG", "Probe(config): loadOnly must hold strings");
					return NULL;
				}
				list[i] = strdup(buf);
			}
		}
	}
	cfg.load_only = list;

	struct kes_probe *p = calloc(1, sizeof(*p));
	int rc = kes_probe_open(p, &cfg);
	if (list) {
		for (char **s = list; *s; s++)
			free(*s);
		free(list);
	}
	if (rc) {
		throw_probe(env, p);
		kes_probe_close(p);
		free(p);
		return NULL;
	}
	CHECK(env, napi_wrap(env, self, p, finalize, NULL, NULL));
	return self;
}

static napi_value probe_load(napi_env env, napi_callback_info info)
{
	size_t argc = 0;
	struct kes_probe *p = this_probe(env, info, &argc, NULL);
	if (!p)
		return NULL;
	if (kes_probe_load(p))
		return throw_probe(env, p);
	return NULL;
}

static napi_value probe_attach(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1];
	struct kes_probe *p = this_probe(env, info, &argc, argv);
	if (!p)
		return NULL;
	REQUIRE_ARG(env, argc == 1, "attach(name) needs a name");
	char name[64];
	size_t l;
	if (napi_get_value_string_utf8(env, argv[0], name, sizeof(name), &l) != napi_ok) {
		napi_throw_type_error(env, "KES_NATIVE_ARG", "attach(name): name must be a string");
		return NULL;
	}
	if (kes_probe_attach(p, name))
		return throw_probe(env, p);
	return NULL;
}

static napi_value probe_drain(napi_env env, napi_callback_info info)
{
	size_t argc = 2;
	napi_value argv[2] = {NULL, NULL};
	struct kes_probe *p = this_probe(env, info, &argc, argv);
	if (!p)
		return NULL;
	REQUIRE_ARG(env, argc >= 1, "drain(buffer[, cpus]) needs a buffer");
	bool isbuf = false;
	CHECK(env, napi_is_buffer(env, argv[0], &isbuf));
	REQUIRE_ARG(env, isbuf, "drain: first argument must be a Buffer");
	void *data;
	size_t cap;
	CHECK(env, napi_get_buffer_info(env, argv[0], &data, &cap));
	uint16_t *cpus = NULL;
	size_t maxev = SIZE_MAX;
	if (argc >= 2 && argv[1]) {
		napi_valuetype t;
		CHECK(env, napi_typeof(env, argv[1], &t));
		if (t != napi_undefined && t != napi_null) {
			bool ista = false;
			CHECK(env, napi_is_typedarray(env, argv[1], &ista));
			REQUIRE_ARG(env, ista, "drain: cpus must be a Uint16Array");
			napi_typedarray_type tt;
			size_t len;
			void *td;
			CHECK(env, napi_get_typedarray_info(env, argv[1], &tt, &len, &td, NULL, NULL));
			REQUIRE_ARG(env, tt == napi_uint16_array, "drain: cpus must be a Uint16Array");
			cpus = td;
			maxev = len;
		}
	}
	size_t n = 0;
	size_t bytes = kes_drain(p, data, cap, cpus, maxev, &n);
	napi_value r;
	CHECK(env, napi_create_double(env, (double)bytes, &r));
	return r;
}

static napi_value probe_pending(napi_env env, napi_callback_info info)
{
	size_t argc = 0;
	struct kes_probe *p = this_probe(env, info, &argc, NULL);
	if (!p)
		return NULL;
	napi_value r;
	CHECK(env, napi_create_double(env, (double)kes_pending(p), &r));
	return r;
}

static napi_value probe_counters(napi_env env, napi_callback_info info)
{
	size_t argc = 0;
	struct kes_probe *p = this_probe(env, info, &argc, NULL);
	if (!p)
		return NULL;
	uint64_t ev[KES_NCATS], dr[KES_NCATS];
	if (kes_probe_counters(p, ev, dr, KES_NCATS))
		return throw_probe(env, p);
	napi_value obj, ea, da, v;
	CHECK(env, napi_create_object(env, &obj));
	CHECK(env, napi_create_array_with_length(env, KES_NCATS, &ea));
	CHECK(env, napi_create_array_with_length(env, KES_NCATS, &da));
	for (uint32_t i = 0; i < KES_NCATS; i++) {
		CHECK(env, napi_create_double(env, (double)ev[i], &v));
		CHECK(env, napi_set_element(env, ea, i, v));
		CHECK(env, napi_create_double(env, (double)dr[i], &v));
		CHECK(env, napi_set_element(env, da, i, v));
	}
	CHECK(env, napi_set_named_property(env, obj, "events", ea));
	CHECK(env, napi_set_named_property(env, obj, "drops", da));
	return obj;
}

static napi_value probe_programs(napi_env env, napi_callback_info info)
{
	size_t argc = 0;
	struct kes_probe *p = this_probe(env, info, &argc, NULL);
	if (!p)
		return NULL;
	const char *names[512];
	int n = kes_probe_list(p, names, 512);
	napi_value arr, s;
	CHECK(env, napi_create_array_with_length(env, n, &arr));
	for (int i = 0; i < n; i++) {
		CHECK(env, napi_create_string_utf8(env, names[i], NAPI_AUTO_LENGTH, &s));
		CHECK(env, napi_set_element(env, arr, i, s));
	}
	return arr;
}

static napi_value probe_detach(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1] = {NULL};
	struct kes_probe *p = this_probe(env, info, &argc, argv);
	if (!p)
		return NULL;
	napi_valuetype t = napi_undefined;
	if (argc >= 1)
		CHECK(env, napi_typeof(env, argv[0], &t));
	int n;
	if (t == napi_undefined) {
		/* no name: every link (the programs stay loaded) */
		n = p->nlinks;
		kes_probe_detach_all(p);
	} else {
		char name[64];
		size_t l;
		if (t != napi_string || napi_get_value_string_utf8(env, argv[0], name, sizeof(name), &l) != napi_ok) {
			napi_throw_type_error(env, "KES_NATIVE_ARG", "detach(name): name must be a string");
			return NULL;
		}
		n = kes_probe_detach(p, name);
	}
	napi_value r;
	CHECK(env, napi_create_int32(env, n, &r));
	return r;
}

static napi_value probe_links(napi_env env, napi_callback_info info)
{
	size_t argc = 0;
	struct kes_probe *p = this_probe(env, info, &argc, NULL);
	if (!p)
		return NULL;
	napi_value arr, obj, v;
	CHECK(env, napi_create_array_with_length(env, p->nlinks, &arr));
	for (int i = 0; i < p->nlinks; i++) {
		CHECK(env, napi_create_object(env, &obj));
		CHECK(env, napi_create_string_utf8(env, p->link_names[i], NAPI_AUTO_LENGTH, &v));
		CHECK(env, napi_set_named_property(env, obj, "program", v));
		CHECK(env, napi_create_uint32(env, kes_probe_link_id(p, i), &v));
		CHECK(env, napi_set_named_property(env, obj, "id", v));
		CHECK(env, napi_set_element(env, arr, i, obj));
	}
	return arr;
}

static napi_value probe_close(napi_env env, napi_callback_info info)
{
	size_t argc = 0;
	struct kes_probe *p = this_probe(env, info, &argc, NULL);
	if (!p)
		return NULL;
	kes_probe_close(p);
	return NULL;
}

static napi_value init(napi_env env, napi_value exports)
{
	napi_property_descriptor methods[] = {
		{"load", NULL, probe_load, NULL, NULL, NULL, napi_default_method, NULL},
		{"attach", NULL, probe_attach, NULL, NULL, NULL, napi_default_method, NULL},
		{"drain", NULL, probe_drain, NULL, NULL, NULL, napi_default_method, NULL},
		{"pending", NULL, probe_pending, NULL, NULL, NULL, napi_default_method, NULL},
		{"counters", NULL, probe_counters, NULL, NULL, NULL, napi_default_method, NULL},
		{"programs", NULL, probe_programs, NULL, NULL, NULL, napi_default_method, NULL},
		{"detach", NULL, probe_detach, NULL, NULL, NULL, napi_default_method, NULL},
		{"links", NULL, probe_links, NULL, NULL, NULL, napi_default_method, NULL},
		{"close", NULL, probe_close, NULL, NULL, NULL, napi_default_method, NULL},
	};
	napi_value cls;
	CHECK(env, napi_define_class(env, "Probe", NAPI_AUTO_LENGTH, probe_new, NULL,
				     sizeof(methods) / sizeof(methods[0]), methods, &cls));
	CHECK(env, napi_set_named_property(env, exports, "Probe", cls));
	return exports;
}

NAPI_MODULE_INIT()
{
	return init(env, exports);
}
