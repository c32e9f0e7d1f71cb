/* timerfd_create(2) → SYSCALL_TIMERFD_CREATE_X (res, clockid, flags). */
static __always_inline void fill_timerfd(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret); /* Parameter 1: res (FD) */
	store__u8(e, ARG(0)); /* Parameter 2: clockid (UINT8) */
	store__u8(e, ARG(1)); /* Parameter 3: flags (UINT8) */
}

KES_EXIT_PROG(timerfd_create, KES_SYSCALL_TIMERFD_CREATE_X, KES_SYSCALL_TIMERFD_CREATE_X_NPARAMS_ALL, KES_CAT_IPC, fill_timerfd)
