/* All maps of the probe, in one place. */
#ifndef KES_MAPS_H
#define KES_MAPS_H

#include "helpers/base/common.h"

/* ======================= OUTPUT ======================================================= */

/**
 * @brief Template of one output ring buffer. The addon creates kes_nrings of them (the size
 * is configurable) after load and stores them in kes_rings; the size here only shapes the
 * template map libbpf creates for the verifier.
 */
struct kes_ringbuf_map {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
};

/**
 * @brief The output ring buffers, indexed by cpu % kes_nrings. Several rings instead of one
 * shared ring keep producers on different CPUs from contending on one spinlock.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct kes_ringbuf_map);
} kes_rings SEC(".maps");

/**
 * @brief Per-CPU event and path scratch: an event is built here, then copied into a ring
 * with one bpf_ringbuf_output (events are variable-length, reserve needs a constant size).
 * A plain array indexed by CPU (the addon sizes it to the possible CPUs), because per-CPU
 * map values are limited to 32 KiB. Programs do not nest on one CPU, so slots are private.
 */
struct kes_scratch {
	__u8 ev[KES_SCRATCH];
	__u8 tmp[2 * KES_PATH_MAX];
};
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kes_scratch);
} kes_scratch_map SEC(".maps");

/**
 * @brief Events written and dropped (ring full, oversize), per category, per CPU.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kes_counters);
} kes_counters_map SEC(".maps");

/* ======================= ENTER → EXIT STASH =========================================== */

/**
 * @brief What an exit program cannot read any more, saved by the enter program, keyed by
 * pid_tgid. Only execve/execveat need it: after a successful exec the old user memory (the
 * filename) and the argument registers are gone. Every other exit program reads its
 * arguments from the task's saved user registers (bpf_task_pt_regs). LRU so that threads
 * killed inside the syscall do not leak entries.
 */
struct kes_exec_stash {
	__u64 dirfd;
	__u64 flags;
	/* 1 for execveat: its successful exit is reported by the kernel as sys_exit_execve */
	__u64 is_at;
	char path[KES_PATH_MAX];
};
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, struct kes_exec_stash);
} kes_exec_stash_map SEC(".maps");

#endif
