/* The probe lifecycle (libbpf skeleton) and the ring-buffer consumer, independent of N-API. */
#ifndef KES_PROBE_H_NATIVE
#define KES_PROBE_H_NATIVE

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct kestrel_bpf;
struct bpf_link;

struct kes_ring {
	int fd;
	uint64_t *cons_pos; /* consumer page (read-write) */
	uint64_t *prod_pos; /* producer page (read-only) */
	uint8_t *data;      /* data pages, mapped twice back to back so records never wrap */
	uint64_t mask;
	size_t size;
	uint64_t last_ts; /* timestamp of the last record handed out */
};

/* One committed record collected by a drain (see drain.c). */
struct kes_merge_ent {
	const uint8_t *ev;
	uint64_t ts;
	uint64_t end; /* ring position just past this record (and discarded ones after it) */
	uint32_t len;
};

#define KES_MAX_RINGS 1024
/* Default hold-back of the cross-ring merge: an event is in its ring this long after its
 * timestamp was taken (in practice microseconds; the margin covers interrupts). */
#define KES_MERGE_LAG_NS 2000000ull

struct kes_probe_config {
	uint32_t exclude_tgid;
	uint32_t snaplen;
	bool capture_env;
	uint32_t nrings;
	uint64_t ring_bytes;
	/* NULL-terminated list of syscall/event names to load, or NULL for all. */
	char **load_only;
	/* Merge hold-back in µs (0 = none: hand out whatever is committed); see drain.c. */
	uint32_t merge_lag_us;
	bool merge_lag_set;
};

#define KES_MAX_LINKS 512
#define KES_ERR_MAX 2048

struct kes_probe {
	struct kestrel_bpf *skel;
	struct kes_ring *rings;
	uint32_t nrings;
	uint64_t ring_bytes;
	int template_fd;
	struct bpf_link *links[KES_MAX_LINKS];
	char link_names[KES_MAX_LINKS][32];
	int nlinks;
	bool loaded;
	uint64_t boot_epoch_ns;  /* CLOCK_REALTIME - CLOCK_BOOTTIME given to the probe */
	uint64_t merge_lag_ns;
	struct kes_merge_ent *merge; /* nrings segments of merge_per_ring entries */
	size_t merge_per_ring;
	int last_errno;
	char err[KES_ERR_MAX];
};

/* All return 0 on success or -1 with p->err / p->last_errno set. */
int kes_probe_open(struct kes_probe *p, const struct kes_probe_config *cfg);
int kes_probe_load(struct kes_probe *p);
int kes_probe_attach(struct kes_probe *p, const char *name);
int kes_probe_detach_all(struct kes_probe *p);
/* Destroys the links of one syscall/event's programs (e_/x_/ev_ NAME). Records they already
 * wrote stay in the rings. Returns the number of links destroyed (0: none attached). */
int kes_probe_detach(struct kes_probe *p, const char *name);
/* Kernel id of attached link i (as `bpftool link list` shows it), or 0 when unknown. */
uint32_t kes_probe_link_id(struct kes_probe *p, int i);
void kes_probe_close(struct kes_probe *p);
int kes_probe_counters(struct kes_probe *p, uint64_t *events, uint64_t *drops, int ncats);
/* Names of the loadable programs' syscalls/events (for listing), NULL-terminated static. */
int kes_probe_list(struct kes_probe *p, const char **names, int max);

/* Copies whole events, oldest first across rings, into out. Returns bytes written; *nevents
 * gets the count and cpus[i] (if not NULL, capacity max_events) the ring of event i. */
size_t kes_drain(struct kes_probe *p, uint8_t *out, size_t cap, uint16_t *cpus, size_t max_events,
		 size_t *nevents);
/* Bytes waiting in all rings (for cheap "anything to do?" checks). */
uint64_t kes_pending(struct kes_probe *p);

#endif
