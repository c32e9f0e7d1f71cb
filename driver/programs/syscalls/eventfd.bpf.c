/* eventfd(2) → SYSCALL_EVENTFD_X (res, initval, flags). */
static __always_inline void fill_eventfd1(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret); /* Parameter 1: res (FD) */
	store__u64(e, ARG(0)); /* Parameter 2: initval (UINT64) */
	store__u32(e, 0); /* Parameter 3: flags (UINT32) */
}

KES_EXIT_PROG(eventfd, KES_SYSCALL_EVENTFD_X, KES_SYSCALL_EVENTFD_X_NPARAMS_ALL, KES_CAT_IPC, fill_eventfd1)
