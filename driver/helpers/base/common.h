/* Base layer: kernel types, libbpf helpers, the generated event schema and the load-time
 * configuration. Every other helper and program includes this first.
 *
 * Layer order (a layer includes only the ones above it):
 *   base/common.h, maps/maps.h, store/event.h, base/flags.h, extract/ (task, file, path, net),
 *   interfaces/ (proc: process parameters; prog: the exit-program macro; fill: parameter
 *   groups; shapes: fill functions shared by several syscalls; exec: execve/execveat), then
 *   programs/ (one .bpf.c per program, named after it: syscalls/<name>.bpf.c, events/)
 */
#ifndef KES_COMMON_H
#define KES_COMMON_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "shared/event_schema.generated.h"
#include "shared/kes_probe.h"

/* ======================= CONFIGURATION (rodata, set by the addon before load) ============ */

/* tgid whose events are dropped at the source (kestrel itself, so its own reads of the ring
 * buffer and /proc never feed back into the capture); 0 = none. */
const volatile __u32 kes_self_tgid = 0;
/* Bytes of I/O payload copied into read/write-family events (0 = none). */
const volatile __u32 kes_snaplen = 80;
/* Copy the environment into execve exit events. */
const volatile __u8 kes_capture_env = 0;
/* Number of ring buffers in kes_rings; an event goes to ring (cpu % kes_nrings). */
const volatile __u32 kes_nrings = 1;
/* CLOCK_REALTIME - CLOCK_BOOTTIME at load, so event timestamps are ns since the epoch. */
const volatile __u64 kes_boot_epoch_ns = 0;

/* ======================= SIZES ======================================================== */

#define KES_PATH_MAX 4096
#define KES_PATH_MASK (KES_PATH_MAX - 1)
/* Scratch per CPU is twice the max event so every masked write of up to KES_EV_MAX bytes at
 * offset (pos & KES_EV_MASK) stays inside it: that is what lets the verifier accept
 * variable-length parameters without a bounds check per byte. */
#define KES_EV_MASK (KES_EV_MAX - 1)
#define KES_SCRATCH (2 * KES_EV_MAX)

#define KES_ARGS_MAX 4096 /* argv and env bytes copied into execve/clone events */

#define KES_RLIMIT_NOFILE 7

#define READ_KERN(...) BPF_CORE_READ(__VA_ARGS__)

#endif
