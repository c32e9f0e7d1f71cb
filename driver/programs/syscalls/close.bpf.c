/* close(2) → SYSCALL_CLOSE_X (res, fd). */
static __always_inline void fill_close(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                 /* Parameter 1: res (ERRNO) */
	store__s64(e, FDARG(0));            /* Parameter 2: fd (FD) */
}
KES_EXIT_PROG(close, KES_SYSCALL_CLOSE_X, KES_SYSCALL_CLOSE_X_NPARAMS_ALL, KES_CAT_FILE, fill_close)
