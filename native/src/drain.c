/* Ring-buffer consumer. The BPF ring buffer maps its data pages twice in a row, so a record
 * is always contiguous in memory:
 *
 *   consumer page | producer page | data[size] | data[size] (same pages again)
 *
 * Each record: u32 len (bit 31 busy, bit 30 discard) | u32 page offset | event (8-aligned).
 *
 * Ordering. Every event starts with its u64 timestamp, taken by the probe right before it
 * copies the event into the ring of its CPU; BPF programs run with preemption disabled, so
 * each ring (one per CPU) holds its events in timestamp order. Across rings, a drain is a
 * k-way merge of the rings' committed records by timestamp, restricted to records no later
 * than a horizon, so that no event can still show up in another ring with an earlier
 * timestamp once a later one was handed out (the merge test: test/driver/merge-order.test.ts):
 *
 *   horizon = now - lag                     (an event is committed within `lag` of its
 *                                            timestamp; default 2 ms, kes_probe.merge_lag_ns)
 *           ∧ ≤ last committed timestamp of every ring stopped at a busy record (the record
 *             being written there cannot be older than the one before it)
 *
 * Records above the horizon stay in their ring for the next drain. A consumer that is behind
 * has a horizon far ahead of its backlog and merges whole batches. With fewer rings than CPUs
 * (nrings option) a ring interleaves several CPUs and keeps its own order, which can then be
 * off by the few microseconds two CPUs race for the same ring. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "probe.h"

#define RB_BUSY (1u << 31)
#define RB_DISCARD (1u << 30)
#define RB_HDR 8
#define MIN_EVENT 26 /* struct kes_evt_hdr */

static inline uint32_t rec_size(uint32_t len)
{
	return (len + RB_HDR + 7) & ~7u;
}

static inline uint64_t ev_ts(const uint8_t *ev)
{
	uint64_t ts;
	memcpy(&ts, ev, sizeof(ts));
	return ts;
}

static uint64_t now_epoch_ns(const struct kes_probe *p)
{
	struct timespec t;
	clock_gettime(CLOCK_BOOTTIME, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec + p->boot_epoch_ns;
}

/* Entry arrays: one segment of `per_ring` entries per ring, sized from the output capacity
 * (no more records than fit in `cap` bytes are ever collected from one ring). */
static int ensure_entries(struct kes_probe *p, size_t cap)
{
	size_t per_ring = cap / MIN_EVENT + 1;
	if (p->merge && p->merge_per_ring >= per_ring)
		return 0;
	struct kes_merge_ent *m = realloc(p->merge, per_ring * p->nrings * sizeof(*m));
	if (!m)
		return -1;
	p->merge = m;
	p->merge_per_ring = per_ring;
	return 0;
}

size_t kes_drain(struct kes_probe *p, uint8_t *out, size_t cap, uint16_t *cpus, size_t max_events,
		 size_t *nevents)
{
	*nevents = 0;
	uint32_t nr = p->nrings;
	if (!p->rings || nr == 0 || max_events == 0)
		return 0;
	if (nr > KES_MAX_RINGS || ensure_entries(p, cap))
		return 0; /* cannot happen with the sizes open() accepts; an empty drain is safe */
	uint64_t horizon = UINT64_MAX;
	if (p->merge_lag_ns) {
		horizon = now_epoch_ns(p) - p->merge_lag_ns;
	}
	size_t counts[KES_MAX_RINGS], heads[KES_MAX_RINGS];
	uint64_t blocked_at[KES_MAX_RINGS];

	/* 1. Collect each ring's committed records (up to cap bytes) into its segment. */
	for (uint32_t i = 0; i < nr; i++) {
		struct kes_ring *r = &p->rings[i];
		struct kes_merge_ent *seg = p->merge + (size_t)i * p->merge_per_ring;
		uint64_t pos = *r->cons_pos;
		uint64_t prod = __atomic_load_n(r->prod_pos, __ATOMIC_ACQUIRE);
		size_t n = 0, bytes = 0;
		blocked_at[i] = UINT64_MAX;
		while (pos < prod && n < p->merge_per_ring) {
			const uint32_t *hdr = (const uint32_t *)(r->data + (pos & r->mask));
			uint32_t h = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
			if (h & RB_BUSY) {
				/* being written: nothing newer than the last committed record here is safe */
				blocked_at[i] = n ? seg[n - 1].ts : r->last_ts;
				break;
			}
			uint32_t l = h & ~(RB_BUSY | RB_DISCARD);
			pos += rec_size(l);
			if ((h & RB_DISCARD) || l < MIN_EVENT) {
				if (n == 0)
					__atomic_store_n(r->cons_pos, pos, __ATOMIC_RELEASE);
				else
					seg[n - 1].end = pos;
				continue;
			}
			if (bytes + l > cap)
				break;
			const uint8_t *ev = (const uint8_t *)hdr + RB_HDR;
			seg[n].ev = ev;
			seg[n].ts = ev_ts(ev);
			seg[n].len = l;
			seg[n].end = pos;
			bytes += l;
			n++;
		}
		counts[i] = n;
		heads[i] = 0;
		if (blocked_at[i] < horizon)
			horizon = blocked_at[i];
	}

	/* 2. Merge: repeatedly take the oldest head at or below the horizon. */
	size_t used = 0, n = 0;
	while (n < max_events) {
		int best = -1;
		uint64_t best_ts = UINT64_MAX;
		for (uint32_t i = 0; i < nr; i++) {
			if (heads[i] == counts[i])
				continue;
			uint64_t ts = p->merge[(size_t)i * p->merge_per_ring + heads[i]].ts;
			if (ts < best_ts) {
				best_ts = ts;
				best = (int)i;
			}
		}
		if (best < 0 || best_ts > horizon)
			break;
		const struct kes_merge_ent *e = &p->merge[(size_t)best * p->merge_per_ring + heads[best]];
		if (used + e->len > cap)
			break;
		memcpy(out + used, e->ev, e->len);
		if (cpus)
			cpus[n] = (uint16_t)best;
		used += e->len;
		heads[best]++;
		n++;
	}

	/* 3. Release what was copied: a prefix of each ring (and the discarded records in it). */
	for (uint32_t i = 0; i < nr; i++) {
		if (heads[i] == 0)
			continue;
		struct kes_ring *r = &p->rings[i];
		struct kes_merge_ent *seg = p->merge + (size_t)i * p->merge_per_ring;
		uint64_t end = seg[heads[i] - 1].end;
		r->last_ts = seg[heads[i] - 1].ts;
		__atomic_store_n(r->cons_pos, end, __ATOMIC_RELEASE);
	}
	*nevents = n;
	return used;
}

uint64_t kes_pending(struct kes_probe *p)
{
	uint64_t total = 0;
	if (!p->rings)
		return 0;
	for (uint32_t i = 0; i < p->nrings; i++) {
		struct kes_ring *r = &p->rings[i];
		total += __atomic_load_n(r->prod_pos, __ATOMIC_ACQUIRE) - *r->cons_pos;
	}
	return total;
}
