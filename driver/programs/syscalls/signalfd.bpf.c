/* signalfd(2) → SYSCALL_SIGNALFD_X (res, fd, mask, flags): no flags argument, 0. */
static __always_inline void fill_signalfd(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__signalfd(e, r, ret, 0); /* Parameters 1-4: res, fd, mask, flags */
}
KES_EXIT_PROG(signalfd, KES_SYSCALL_SIGNALFD_X, KES_SYSCALL_SIGNALFD_X_NPARAMS_ALL, KES_CAT_IPC, fill_signalfd)
