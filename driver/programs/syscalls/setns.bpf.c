/* setns(2) → SYSCALL_SETNS_X (res, fd, nstype). */
static __always_inline void fill_setns(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret); /* Parameter 1: res (ERRNO) */
	store__s64(e, FDARG(0)); /* Parameter 2: fd (FD) */
	store__u32(e, flags__clone(ARG(1))); /* Parameter 3: nstype (FLAGS32) */
}

KES_EXIT_PROG(setns, KES_SYSCALL_SETNS_X, KES_SYSCALL_SETNS_X_NPARAMS_ALL, KES_CAT_SECURITY, fill_setns)
