/* fchmod(2) → SYSCALL_FCHMOD_X (res, fd, mode). */
static __always_inline void fill_fchmod(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret); /* Parameter 1: res (ERRNO) */
	store__s64(e, FDARG(0)); /* Parameter 2: fd (FD) */
	store__u32(e, ARG(1) & 07777); /* Parameter 3: mode (MODE) */
}

KES_EXIT_PROG(fchmod, KES_SYSCALL_FCHMOD_X, KES_SYSCALL_FCHMOD_X_NPARAMS, KES_CAT_FILE, fill_fchmod)
