/* fchdir(2) → SYSCALL_FCHDIR_X (res, fd). */
static __always_inline void fill_fchdir(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret); /* Parameter 1: res (ERRNO) */
	store__s64(e, FDARG(0)); /* Parameter 2: fd (FD) */
}

KES_EXIT_PROG(fchdir, KES_SYSCALL_FCHDIR_X, KES_SYSCALL_FCHDIR_X_NPARAMS_ALL, KES_CAT_FILE, fill_fchdir)
