/* Store layer: build one scap-encoded event in the per-CPU scratch, then submit it.
 *
 *   scratch: | kes_evt_hdr (26) | u16 len[nparams] | param 0 | param 1 | ... |
 *                                 ^ lenpos            ^ pos (next param)
 *
 * Every store__* call appends one parameter and its length, in table order. The program
 * declares nparams up front (the generated *_NPARAMS_ALL); store__submit refuses an event
 * whose parameter count does not match, so a probe bug shows up as a counted drop in
 * KES_CAT_INTERNAL instead of a malformed event.
 */
#ifndef KES_STORE_EVENT_H
#define KES_STORE_EVENT_H

#include "maps/maps.h"

struct kes_ev {
	__u8 *buf;
	__u8 *tmp;
	__u32 pos;
	__u32 i;
	__u32 n;
	__u32 type;
	__u32 cat;
};

static __always_inline int store__begin(struct kes_ev *e, __u32 type, __u32 nparams, __u32 cat)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct kes_scratch *s = bpf_map_lookup_elem(&kes_scratch_map, &cpu);
	if (!s)
		return 0;
	e->buf = s->ev;
	e->tmp = s->tmp;
	e->pos = KES_EVT_HDR_SIZE + 2 * nparams;
	e->i = 0;
	e->n = nparams;
	e->type = type;
	e->cat = cat;
	return 1;
}

/* Round-trips a value through map memory so the verifier sees an unknown (but bounded after
 * a check) scalar. Sizes derived from e->pos would otherwise be marked "precise", and the
 * precision would propagate back through every variable-length parameter, defeating state
 * pruning (execve hit the 1M-instruction limit). */
static __always_inline __u32 store__launder(struct kes_ev *e, __u32 v)
{
	volatile __u32 *p = (volatile __u32 *)&e->tmp[2 * KES_PATH_MAX - 8];
	*p = v;
	return *p;
}

static __always_inline void store__len(struct kes_ev *e, __u32 len)
{
	*(__u16 *)&e->buf[(KES_EVT_HDR_SIZE + 2 * e->i) & 0xff] = (__u16)len;
	e->i++;
	/* laundered: see store__launder; every access masks pos anyway */
	e->pos = store__launder(e, e->pos + len);
}

static __always_inline void store__u8(struct kes_ev *e, __u8 v)
{
	*(__u8 *)&e->buf[e->pos & KES_EV_MASK] = v;
	store__len(e, 1);
}
static __always_inline void store__u16(struct kes_ev *e, __u16 v)
{
	*(__u16 *)&e->buf[e->pos & KES_EV_MASK] = v;
	store__len(e, 2);
}
static __always_inline void store__u32(struct kes_ev *e, __u32 v)
{
	*(__u32 *)&e->buf[e->pos & KES_EV_MASK] = v;
	store__len(e, 4);
}
static __always_inline void store__u64(struct kes_ev *e, __u64 v)
{
	*(__u64 *)&e->buf[e->pos & KES_EV_MASK] = v;
	store__len(e, 8);
}
#define store__s64(e, v) store__u64(e, (__u64)(__s64)(v))
#define store__s32(e, v) store__u32(e, (__u32)(__s32)(v))

/* A parameter the probe could not read: zero length, which readers treat as missing. */
static __always_inline void store__empty(struct kes_ev *e)
{
	store__len(e, 0);
}

/* NUL-terminated user string (CHARBUF/FSPATH); a NULL pointer is written as "(NULL)" like
 * the 2022 driver, an unreadable one as empty. */
static __always_inline void store__user_str(struct kes_ev *e, const void *p, __u32 max)
{
	__u8 *dst = &e->buf[e->pos & KES_EV_MASK];
	if (!p) {
		__builtin_memcpy(dst, "(NULL)", 7);
		store__len(e, 7);
		return;
	}
	long n = bpf_probe_read_user_str(dst, max & (KES_PATH_MAX * 2 - 1), p);
	store__len(e, n > 0 ? n : 0);
}

static __always_inline void store__kernel_str(struct kes_ev *e, const void *p, __u32 max)
{
	long n = bpf_probe_read_kernel_str(&e->buf[e->pos & KES_EV_MASK], max & (KES_PATH_MAX * 2 - 1), p);
	store__len(e, n > 0 ? n : 0);
}

/* Raw user bytes (BYTEBUF), at most max. */
static __always_inline void store__user_bytes(struct kes_ev *e, const void *p, __u64 len, __u32 max)
{
	if (len > max)
		len = max;
	if (len > KES_ARGS_MAX * 2)
		len = KES_ARGS_MAX * 2;
	if (!p || bpf_probe_read_user(&e->buf[e->pos & KES_EV_MASK], len & (KES_ARGS_MAX * 4 - 1), p) < 0)
		len = 0;
	store__len(e, len);
}

/* Copy bytes already in scratch tmp (built by an extract helper) as one parameter. */
static __always_inline void store__tmp(struct kes_ev *e, __u32 off, __u32 len)
{
	if (len > KES_PATH_MAX)
		len = KES_PATH_MAX;
	if (bpf_probe_read_kernel(&e->buf[e->pos & KES_EV_MASK], len & (2 * KES_PATH_MAX - 1),
				  &e->tmp[off & KES_PATH_MASK]) < 0)
		len = 0;
	store__len(e, len);
}

static __always_inline void counters__add(__u32 cat, int dropped)
{
	__u32 zero = 0;
	struct kes_counters *c = bpf_map_lookup_elem(&kes_counters_map, &zero);
	if (!c)
		return;
	cat &= KES_NCATS - 1;
	if (dropped)
		c->drops[cat]++;
	else
		c->events[cat]++;
}

/* Fill the header and copy the event into this CPU's ring. Never blocks: a full ring is a
 * counted drop. BPF_RB_NO_WAKEUP because the consumer polls (a wakeup per event costs more
 * than the event). */
static __always_inline void store__submit(struct kes_ev *e)
{
	__u32 len = store__launder(e, e->pos);
	if (e->i != e->n || len > KES_EV_MAX) {
		counters__add(KES_CAT_INTERNAL, 1);
		return;
	}
	struct kes_evt_hdr *h = (struct kes_evt_hdr *)e->buf;
	h->ts = bpf_ktime_get_boot_ns() + kes_boot_epoch_ns;
	h->tid = bpf_get_current_pid_tgid() & 0xffffffff;
	h->len = len;
	h->type = e->type;
	h->nparams = e->n;
	__u32 ring = bpf_get_smp_processor_id();
	if (kes_nrings > 1)
		ring %= kes_nrings;
	else
		ring = 0;
	void *rb = bpf_map_lookup_elem(&kes_rings, &ring);
	if (!rb || bpf_ringbuf_output(rb, e->buf, len, BPF_RB_NO_WAKEUP) < 0) {
		counters__add(e->cat, 1);
		return;
	}
	counters__add(e->cat, 0);
}

#endif
