/*
 * One-off importer: prints the 2022-03 (libs e5c53d64) event table, flag tables and
 * dynamic-parameter tables as JSON, so that schema/events.ts could be seeded from facts.
 * Build against the sources in Debian's falcosecurity-scap-dkms package:
 *   apt-get download falcosecurity-scap-dkms && dpkg-deb -x *.deb x
 *   cc -I$SRC -o dump dump-2022-table.c $SRC/event_table.c $SRC/flags_table.c $SRC/dynamic_params_table.c
 * The schema is the source of truth from then on; this file only records where it came from.
 */
#include <stdio.h>
#include <string.h>
#include "ppm_events_public.h"
extern const struct ppm_event_info g_event_info[];
extern const struct ppm_param_info sockopt_dynamic_param[], ptrace_dynamic_param[], bpf_dynamic_param[];
#include "flagtables.inc"

static void jstr(const char *s) {
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\') putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

static const char *flagtable_name(const void *p) {
	for (int i = 0; flag_tables[i].name; i++)
		if (flag_tables[i].table == p) return flag_tables[i].name;
	return NULL;
}

static const char *dyn_name(const void *p) {
	if (p == sockopt_dynamic_param) return "sockopt_dynamic_param";
	if (p == ptrace_dynamic_param) return "ptrace_dynamic_param";
	if (p == bpf_dynamic_param) return "bpf_dynamic_param";
	return NULL;
}

int main(void) {
	printf("{\"events\":[\n");
	for (int i = 0; i < PPM_EVENT_MAX; i++) {
		const struct ppm_event_info *e = &g_event_info[i];
		printf("%s{\"id\":%d,\"name\":", i ? ",\n" : "", i);
		jstr(e->name);
		printf(",\"category\":%d,\"flags\":%u,\"params\":[", (int)e->category, (unsigned)e->flags);
		for (unsigned j = 0; j < e->nparams; j++) {
			const struct ppm_param_info *p = &e->params[j];
			printf("%s{\"name\":", j ? "," : "");
			jstr(p->name);
			printf(",\"type\":%d,\"fmt\":%d", (int)p->type, (int)p->fmt);
			if (p->type == PT_FSRELPATH) printf(",\"dirfd\":%ld", (long)p->info);
			else if (p->type == PT_DYN && dyn_name(p->info)) printf(",\"dyn\":\"%s\",\"ninfo\":%d", dyn_name(p->info), p->ninfo);
			else if (p->info && flagtable_name(p->info)) printf(",\"flagtable\":\"%s\"", flagtable_name(p->info));
			printf("}");
		}
		printf("]}");
	}
	printf("\n],\"flagtables\":{\n");
	for (int i = 0; flag_tables[i].name; i++) {
		printf("%s", i ? ",\n" : "");
		jstr(flag_tables[i].name);
		printf(":[");
		const struct ppm_name_value *nv = flag_tables[i].table;
		for (int k = 0; nv[k].name; k++) {
			printf("%s[", k ? "," : "");
			jstr(nv[k].name);
			printf(",%u]", nv[k].value);
		}
		printf("]");
	}
	printf("},\"dyn\":{");
	const struct { const char *n; const struct ppm_param_info *t; int cnt; } dyns[] = {
		{"sockopt_dynamic_param", sockopt_dynamic_param, PPM_SOCKOPT_IDX_MAX},
		{"ptrace_dynamic_param", ptrace_dynamic_param, PPM_PTRACE_IDX_MAX},
		{"bpf_dynamic_param", bpf_dynamic_param, PPM_BPF_IDX_MAX},
	};
	for (int i = 0; i < 3; i++) {
		printf("%s\"%s\":[", i ? "," : "", dyns[i].n);
		for (int k = 0; k < dyns[i].cnt; k++) printf("%s{\"type\":%d,\"fmt\":%d}", k ? "," : "", dyns[i].t[k].type, dyns[i].t[k].fmt);
		printf("]");
	}
	printf("}}\n");
	return 0;
}
