/* The tracing floor: empty programs on one syscall's enter and exit tracepoints. Attaching any
 * syscall tracepoint makes every syscall of every task take the kernel's syscall-tracing slow
 * path; what a syscall nobody traces costs then is the floor kestrel is compared against. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tracepoint/syscalls/sys_enter_openat")
int floor_enter(void *ctx) { return 0; }

SEC("tracepoint/syscalls/sys_exit_openat")
int floor_exit(void *ctx) { return 0; }

char LICENSE[] SEC("license") = "GPL";
