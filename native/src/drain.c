/* Ring-buffer consumer. The BPF ring buffer maps its data pages twice in a row, so a record
 * is always contiguous in memory:
 *
 *   consumer page | producer page | data[size] | data[size] (same pages again)
 *
 * Each record: u32 len (bit 31 busy, bit 30 discard) | u32 page offset | event (8-aligned).
 * Draining merges the rings by event timestamp: among the rings' head records, the oldest
 * is copied next. A ring whose head is still being written (busy) is left for the next
 * drain. */
#include <string.h>
#include "probe.h"

#define RB_BUSY (1u << 31)
#define RB_DISCARD (1u << 30)
#define RB_HDR 8

static inline uint32_t rec_size(uint32_t len)
{
	return (len + RB_HDR + 7) & ~7u;
}

/* Head record of a ring: returns pointer to the event, or NULL when empty/busy. Skips
 * discarded records. */
static inline const uint8_t *ring_head(struct kes_ring *r, uint32_t *len)
{
	for (;;) {
		uint64_t cons = *r->cons_pos;
		uint64_t prod = __atomic_load_n(r->prod_pos, __ATOMIC_ACQUIRE);
		if (cons >= prod)
			return NULL;
		const uint32_t *hdr = (const uint32_t *)(r->data + (cons & r->mask));
		uint32_t h = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		if (h & RB_BUSY)
			return NULL;
		uint32_t l = h & ~(RB_BUSY | RB_DISCARD);
		if (h & RB_DISCARD) {
			__atomic_store_n(r->cons_pos, cons + rec_size(l), __ATOMIC_RELEASE);
			continue;
		}
		*len = l;
		return (const uint8_t *)hdr + RB_HDR;
	}
}

size_t kes_drain(struct kes_probe *p, uint8_t *out, size_t cap, uint16_t *cpus, size_t max_events,
		 size_t *nevents)
{
	size_t used = 0, n = 0;
	uint32_t nr = p->nrings;
	if (!p->rings)
		return 0;
	while (n < max_events) {
		int best = -1;
		uint64_t best_ts = UINT64_MAX;
		const uint8_t *best_ev = NULL;
		uint32_t best_len = 0;
		for (uint32_t i = 0; i < nr; i++) {
			uint32_t len;
			const uint8_t *ev = ring_head(&p->rings[i], &len);
			if (!ev)
				continue;
			uint64_t ts;
			memcpy(&ts, ev, sizeof(ts));
			if (ts < best_ts) {
				best_ts = ts;
				best = (int)i;
				best_ev = ev;
				best_len = len;
			}
		}
		if (best < 0)
			break;
		if (used + best_len > cap)
			break;
		memcpy(out + used, best_ev, best_len);
		if (cpus)
			cpus[n] = (uint16_t)best;
		struct kes_ring *r = &p->rings[best];
		__atomic_store_n(r->cons_pos, *r->cons_pos + rec_size(best_len), __ATOMIC_RELEASE);
		used += best_len;
		n++;
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
