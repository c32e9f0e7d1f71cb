/* pidfd_open(2) → PPME_SYSCALL_PIDFD_OPEN_X (fd, pid, flags: PIDFD_NONBLOCK → bit 0). */
static __always_inline void fill_pidfd_open(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);             /* Parameter 1: fd (FD) */
	store__s64(e, (__s32)ARG(0));   /* Parameter 2: pid (PID) */
	store__u32(e, (ARG(1) & L_O_NONBLOCK) ? KES_PIDFD_OPEN_FLAGS_PIDFD_NONBLOCK : 0); /* Parameter 3: flags (FLAGS32) */
}
KES_EXIT_PROG(pidfd_open, KES_SYSCALL_PIDFD_OPEN_X, KES_SYSCALL_PIDFD_OPEN_X_NPARAMS, KES_CAT_PROCESS, fill_pidfd_open)
