/* epoll_create1(2) → PPME_SYSCALL_EPOLL_CREATE1_X (res, flags: EPOLL_CLOEXEC → bit 0). */
static __always_inline void fill_epoll_create1(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);             /* Parameter 1: res (ERRNO) */
	store__u32(e, (ARG(0) & L_O_CLOEXEC) ? KES_EPOLL_CREATE1_FLAGS_EPOLL_CLOEXEC : 0); /* Parameter 2: flags (FLAGS32) */
}
KES_EXIT_PROG(epoll_create1, KES_SYSCALL_EPOLL_CREATE1_X, KES_SYSCALL_EPOLL_CREATE1_X_NPARAMS, KES_CAT_IPC, fill_epoll_create1)
