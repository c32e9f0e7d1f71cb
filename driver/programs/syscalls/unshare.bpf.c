/* unshare(2) → SYSCALL_UNSHARE_X (res, flags). */
static __always_inline void fill_unshare(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret); /* Parameter 1: res (ERRNO) */
	store__u32(e, flags__clone(ARG(0))); /* Parameter 2: flags (FLAGS32) */
}

KES_EXIT_PROG(unshare, KES_SYSCALL_UNSHARE_X, KES_SYSCALL_UNSHARE_X_NPARAMS_ALL, KES_CAT_SECURITY, fill_unshare)
