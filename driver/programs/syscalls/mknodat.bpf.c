/* mknodat(2) → PPME_SYSCALL_MKNODAT_X (res, dirfd, path, mode, dev); see mknod. */
static __always_inline void fill_mknodat(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                         /* Parameter 1: res (ERRNO) */
	store__at_path(e, r, 0);                    /* Parameters 2-3: dirfd, path */
	store__u32(e, ARG(2));                      /* Parameter 4: mode (MODE) */
	store__u32(e, ARG(3));                      /* Parameter 5: dev (UINT32) */
}
KES_EXIT_PROG(mknodat, KES_SYSCALL_MKNODAT_X, KES_SYSCALL_MKNODAT_X_NPARAMS, KES_CAT_FILE, fill_mknodat)
