/* pidfd_getfd(2) → PPME_SYSCALL_PIDFD_GETFD_X (fd, pid_fd, target_fd, flags). */
static __always_inline void fill_pidfd_getfd(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);             /* Parameter 1: fd (FD) */
	store__s64(e, FDARG(0));        /* Parameter 2: pid_fd (FD) */
	store__s64(e, FDARG(1));        /* Parameter 3: target_fd (FD) */
	store__u32(e, ARG(2));          /* Parameter 4: flags (UINT32): none defined */
}
KES_EXIT_PROG(pidfd_getfd, KES_SYSCALL_PIDFD_GETFD_X, KES_SYSCALL_PIDFD_GETFD_X_NPARAMS, KES_CAT_PROCESS, fill_pidfd_getfd)
