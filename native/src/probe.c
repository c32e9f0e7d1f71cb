/* Probe lifecycle: skeleton open → rodata/ring config → load → per-CPU rings → attach the
 * requested programs → detach/destroy. Everything the kernel holds is tied to file
 * descriptors (no pinning), so a killed process leaves nothing behind. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <linux/types.h>

#include "kestrel.skel.h"
#include "kes_probe.h"
#include "probe.h"

/* libbpf prints through one global callback; keep the tail of its output so a load failure
 * can say why (verifier log, missing BTF...). Only the thread that loads reads it. */
static __thread char g_log[KES_ERR_MAX];
static __thread size_t g_log_len;

static int log_cb(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	char line[512];
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n <= 0)
		return 0;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (g_log_len + n >= sizeof(g_log)) {
		/* keep the most recent text */
		size_t keep = sizeof(g_log) / 2;
		memmove(g_log, g_log + g_log_len - keep, keep);
		g_log_len = keep;
	}
	memcpy(g_log + g_log_len, line, n);
	g_log_len += n;
	g_log[g_log_len] = 0;
	return 0;
}

static int fail(struct kes_probe *p, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
	if (err < 0)
		err = -err;
	p->last_errno = err;
	if (n > 0 && (size_t)n < sizeof(p->err) - 16) {
		snprintf(p->err + n, sizeof(p->err) - n, ": %s", strerror(err));
		n = strlen(p->err);
	}
	if (g_log_len && n > 0 && (size_t)n < sizeof(p->err) - 64) {
		/* last lines of the libbpf log */
		const char *tail = g_log_len > 600 ? g_log + g_log_len - 600 : g_log;
		snprintf(p->err + n, sizeof(p->err) - n, " (libbpf: %s)", tail);
	}
	return -1;
}

/* Syscall tracepoints need tracefs; some minimal systems do not mount it. */
static void ensure_tracefs(void)
{
	if (access("/sys/kernel/tracing/events", F_OK) == 0 || access("/sys/kernel/debug/tracing/events", F_OK) == 0)
		return;
	mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL);
}

static uint64_t boot_epoch_ns(void)
{
	struct timespec rt, bt;
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	return ((uint64_t)rt.tv_sec * 1000000000ull + rt.tv_nsec) - ((uint64_t)bt.tv_sec * 1000000000ull + bt.tv_nsec);
}

/* "x_openat" → "openat", "e_execve" → "execve", "ev_procexit" → "procexit". */
static const char *prog_subject(const char *name)
{
	if (!strncmp(name, "x_", 2) || !strncmp(name, "e_", 2))
		return name + 2;
	if (!strncmp(name, "ev_", 3))
		return name + 3;
	return name;
}

static bool in_list(char **list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

int kes_probe_open(struct kes_probe *p, const struct kes_probe_config *cfg)
{
	memset(p, 0, sizeof(*p));
	p->template_fd = -1;
	g_log_len = 0;
	g_log[0] = 0;
	libbpf_set_print(log_cb);
	ensure_tracefs();
	uint64_t rb = cfg->ring_bytes ? cfg->ring_bytes : (8u << 20);
	long page = sysconf(_SC_PAGESIZE);
	if (rb < (uint64_t)page || (rb & (rb - 1)))
		return fail(p, EINVAL, "ring size %llu is not a power of two of at least %ld bytes", (unsigned long long)rb, page);
	int ncpu = libbpf_num_possible_cpus();
	if (ncpu <= 0)
		return fail(p, -ncpu, "cannot count CPUs");
	p->nrings = cfg->nrings ? cfg->nrings : (uint32_t)ncpu;
	if (p->nrings > KES_MAX_RINGS)
		return fail(p, EINVAL, "at most %d rings", KES_MAX_RINGS);
	p->ring_bytes = rb;

	p->skel = kestrel_bpf__open();
	if (!p->skel)
		return fail(p, errno, "cannot open the BPF object");
	p->skel->rodata->kes_self_tgid = cfg->exclude_tgid;
	p->skel->rodata->kes_snaplen = cfg->snaplen;
	p->skel->rodata->kes_capture_env = cfg->capture_env;
	p->skel->rodata->kes_nrings = p->nrings;
	p->boot_epoch_ns = boot_epoch_ns();
	p->skel->rodata->kes_boot_epoch_ns = p->boot_epoch_ns;
	p->merge_lag_ns = cfg->merge_lag_set ? (uint64_t)cfg->merge_lag_us * 1000 : KES_MERGE_LAG_NS;

	int err = bpf_map__set_max_entries(p->skel->maps.kes_scratch_map, ncpu);
	if (err)
		return fail(p, err, "cannot size the scratch map");
	err = bpf_map__set_max_entries(p->skel->maps.kes_rings, p->nrings);
	if (err)
		return fail(p, err, "cannot size the ring array");
	p->template_fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "kes_rb_tmpl", 0, 0, rb, NULL);
	if (p->template_fd < 0)
		return fail(p, errno, "cannot create a %llu-byte ring buffer", (unsigned long long)rb);
	err = bpf_map__set_inner_map_fd(p->skel->maps.kes_rings, p->template_fd);
	if (err)
		return fail(p, err, "cannot set the ring template");

	if (cfg->load_only) {
		struct bpf_program *prog;
		bpf_object__for_each_program(prog, p->skel->obj)
		{
			bool want = in_list(cfg->load_only, prog_subject(bpf_program__name(prog)));
			bpf_program__set_autoload(prog, want);
		}
	}
	return 0;
}

static int map_ring(struct kes_ring *r, int fd, size_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	r->fd = fd;
	r->size = size;
	r->mask = size - 1;
	void *c = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (c == MAP_FAILED)
		return -errno;
	void *pr = mmap(NULL, page + 2 * size, PROT_READ, MAP_SHARED, fd, page);
	if (pr == MAP_FAILED) {
		int e = errno;
		munmap(c, page);
		return -e;
	}
	r->cons_pos = c;
	r->prod_pos = pr;
	r->data = (uint8_t *)pr + page;
	return 0;
}

int kes_probe_load(struct kes_probe *p)
{
	if (!p->skel)
		return fail(p, EINVAL, "probe not open");
	if (p->loaded)
		return 0;
	g_log_len = 0;
	/* The verifier gives up with EAGAIN when the loading thread has a signal pending (a
	 * profiler's SIGPROF, a child's SIGCHLD...): loading every program takes seconds, so block
	 * them for that time. Process-directed signals go to node's other threads meanwhile;
	 * thread-directed ones are delivered when the mask is restored. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int err = kestrel_bpf__load(p->skel);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return fail(p, err, "cannot load the BPF programs");
	p->loaded = true;
	p->rings = calloc(p->nrings, sizeof(*p->rings));
	if (!p->rings)
		return fail(p, ENOMEM, "out of memory");
	for (uint32_t i = 0; i < p->nrings; i++)
		p->rings[i].fd = -1;
	int outer = bpf_map__fd(p->skel->maps.kes_rings);
	for (uint32_t i = 0; i < p->nrings; i++) {
		int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "kes_rb", 0, 0, p->ring_bytes, NULL);
		if (fd < 0)
			return fail(p, errno, "cannot create ring buffer %u", i);
		if (bpf_map_update_elem(outer, &i, &fd, BPF_ANY))
			return fail(p, errno, "cannot install ring buffer %u", i);
		err = map_ring(&p->rings[i], fd, p->ring_bytes);
		if (err)
			return fail(p, err, "cannot map ring buffer %u", i);
	}
	return 0;
}

int kes_probe_attach(struct kes_probe *p, const char *name)
{
	if (!p->loaded)
		return fail(p, EINVAL, "probe not loaded");
	char buf[64];
	const char *prefixes[] = {"e_", "x_", "ev_"};
	int found = 0;
	for (int k = 0; k < 3; k++) {
		snprintf(buf, sizeof(buf), "%s%s", prefixes[k], name);
		struct bpf_program *prog = bpf_object__find_program_by_name(p->skel->obj, buf);
		if (!prog)
			continue;
		found++;
		if (!bpf_program__autoload(prog))
			return fail(p, ENOENT, "'%s' was not loaded (not in the load list given to open)", name);
		bool dup = false;
		for (int i = 0; i < p->nlinks; i++)
			if (!strcmp(p->link_names[i], buf))
				dup = true;
		if (dup)
			continue;
		if (p->nlinks >= KES_MAX_LINKS)
			return fail(p, E2BIG, "too many attached programs");
		g_log_len = 0;
		struct bpf_link *l = bpf_program__attach(prog);
		if (!l)
			return fail(p, errno, "cannot attach the program for '%s'", name);
		p->links[p->nlinks] = l;
		snprintf(p->link_names[p->nlinks], sizeof(p->link_names[0]), "%s", buf);
		p->nlinks++;
	}
	if (!found)
		return fail(p, ENOENT, "no probe program for '%s'", name);
	return 0;
}

int kes_probe_detach_all(struct kes_probe *p)
{
	for (int i = 0; i < p->nlinks; i++)
		bpf_link__destroy(p->links[i]);
	p->nlinks = 0;
	return 0;
}

int kes_probe_detach(struct kes_probe *p, const char *name)
{
	const char *prefixes[] = {"e_", "x_", "ev_"};
	char buf[64];
	int n = 0;
	for (int k = 0; k < 3; k++) {
		snprintf(buf, sizeof(buf), "%s%s", prefixes[k], name);
		for (int i = 0; i < p->nlinks; i++) {
			if (strcmp(p->link_names[i], buf))
				continue;
			/* Unlinking a tracepoint program only stops new records: a run in progress on
			 * another CPU finishes (RCU) and commits its record, which drain() then hands
			 * out like any other (it waits for records still being written). */
			bpf_link__destroy(p->links[i]);
			/* keep the array dense: move the last link into the hole */
			p->nlinks--;
			if (i != p->nlinks) {
				p->links[i] = p->links[p->nlinks];
				memcpy(p->link_names[i], p->link_names[p->nlinks], sizeof(p->link_names[0]));
			}
			p->links[p->nlinks] = NULL;
			n++;
			break;
		}
	}
	return n;
}

uint32_t kes_probe_link_id(struct kes_probe *p, int i)
{
	if (i < 0 || i >= p->nlinks)
		return 0;
	struct bpf_link_info info;
	uint32_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_link__fd(p->links[i]), &info, &len))
		return 0;
	return info.id;
}

void kes_probe_close(struct kes_probe *p)
{
	kes_probe_detach_all(p);
	long page = sysconf(_SC_PAGESIZE);
	if (p->rings) {
		for (uint32_t i = 0; i < p->nrings; i++) {
			struct kes_ring *r = &p->rings[i];
			if (r->cons_pos)
				munmap(r->cons_pos, page);
			if (r->prod_pos)
				munmap(r->prod_pos, page + 2 * r->size);
			if (r->fd >= 0)
				close(r->fd);
		}
		free(p->rings);
		p->rings = NULL;
	}
	free(p->merge);
	p->merge = NULL;
	p->merge_per_ring = 0;
	if (p->skel) {
		kestrel_bpf__destroy(p->skel);
		p->skel = NULL;
	}
	if (p->template_fd >= 0) {
		close(p->template_fd);
		p->template_fd = -1;
	}
	p->loaded = false;
}

int kes_probe_counters(struct kes_probe *p, uint64_t *events, uint64_t *drops, int ncats)
{
	if (!p->loaded)
		return fail(p, EINVAL, "probe not loaded");
	int ncpu = libbpf_num_possible_cpus();
	struct kes_counters *vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return fail(p, ENOMEM, "out of memory");
	uint32_t zero = 0;
	if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.kes_counters_map), &zero, vals)) {
		free(vals);
		return fail(p, errno, "cannot read counters");
	}
	for (int c = 0; c < ncats && c < KES_NCATS; c++) {
		events[c] = drops[c] = 0;
		for (int i = 0; i < ncpu; i++) {
			events[c] += vals[i].events[c];
			drops[c] += vals[i].drops[c];
		}
	}
	free(vals);
	return 0;
}

int kes_probe_list(struct kes_probe *p, const char **names, int max)
{
	int n = 0;
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, p->skel->obj)
	{
		const char *s = prog_subject(bpf_program__name(prog));
		bool dup = false;
		for (int i = 0; i < n; i++)
			if (!strcmp(names[i], s))
				dup = true;
		if (!dup && n < max)
			names[n++] = s;
	}
	return n;
}
