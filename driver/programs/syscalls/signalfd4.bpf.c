/* signalfd4(2) → SYSCALL_SIGNALFD_X (res, fd, mask, flags). */
static __always_inline void fill_signalfd4(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__signalfd(e, r, ret, ARG(3)); /* Parameters 1-4: res, fd, mask, flags */
}
KES_EXIT_PROG(signalfd4, KES_SYSCALL_SIGNALFD_X, KES_SYSCALL_SIGNALFD_X_NPARAMS_ALL, KES_CAT_IPC, fill_signalfd4)
