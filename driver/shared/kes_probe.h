/* Hand-written definitions shared by the probe (driver/) and the addon (native/).
 * Keep in sync with native/lib/binding.ts (COUNTER_CATEGORIES). */
#ifndef KESTREL_PROBE_H
#define KESTREL_PROBE_H

#ifndef __bpf__
#include <linux/types.h> /* the probe gets these from vmlinux.h */
#endif

/* Drop/event counter categories: one slot per family of syscalls, so a user can see which
 * part of the capture lost events. */
#define KES_CAT_OTHER 0
#define KES_CAT_FILE 1
#define KES_CAT_NET 2
#define KES_CAT_PROCESS 3
#define KES_CAT_IO 4
#define KES_CAT_IPC 5
#define KES_CAT_SECURITY 6
#define KES_CAT_INTERNAL 7 /* events too large for the scratch buffer, parameter-count bugs */
#define KES_NCATS 8

struct kes_counters {
	__u64 events[KES_NCATS];
	__u64 drops[KES_NCATS];
};

/* The largest event the probe writes (header + lengths + params). */
#define KES_EV_MAX 32768
#endif
