/* epoll_create(2) → PPME_SYSCALL_EPOLL_CREATE_X (res, size). */
static __always_inline void fill_epoll_create(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);             /* Parameter 1: res (ERRNO) */
	store__s32(e, ARG(0));          /* Parameter 2: size (INT32) */
}
KES_EXIT_PROG(epoll_create, KES_SYSCALL_EPOLL_CREATE_X, KES_SYSCALL_EPOLL_CREATE_X_NPARAMS, KES_CAT_IPC, fill_epoll_create)
