/* symlinkat(2) → SYSCALL_SYMLINKAT_X (res, target, linkdirfd, linkpath). */
static __always_inline void fill_symlinkat(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret); /* Parameter 1: res (ERRNO) */
	store__user_str(e, UPTR(0), KES_PATH_MAX);    /* Parameter 2: target (CHARBUF) */
	store__s64(e, FDARG(1));                      /* Parameter 3: linkdirfd (FD) */
	store__user_str(e, UPTR(2), KES_PATH_MAX);    /* Parameter 4: linkpath (FSRELPATH) */
}

KES_EXIT_PROG(symlinkat, KES_SYSCALL_SYMLINKAT_X, KES_SYSCALL_SYMLINKAT_X_NPARAMS, KES_CAT_FILE, fill_symlinkat)
