/* close_range(2) → PPME_SYSCALL_CLOSE_RANGE_X (res, first, last, flags). The PPM
 * CLOSE_RANGE_UNSHARE/CLOEXEC values are Linux's. */
static __always_inline void fill_close_range(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);             /* Parameter 1: res (ERRNO) */
	store__u32(e, ARG(0));          /* Parameter 2: first (UINT32) */
	store__u32(e, ARG(1));          /* Parameter 3: last (UINT32) */
	store__u32(e, ARG(2) & (KES_CLOSE_RANGE_FLAGS_CLOSE_RANGE_UNSHARE | KES_CLOSE_RANGE_FLAGS_CLOSE_RANGE_CLOEXEC)); /* Parameter 4: flags (FLAGS32) */
}
KES_EXIT_PROG(close_range, KES_SYSCALL_CLOSE_RANGE_X, KES_SYSCALL_CLOSE_RANGE_X_NPARAMS, KES_CAT_FILE, fill_close_range)
