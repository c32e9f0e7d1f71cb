/* linkat(2) → SYSCALL_LINKAT_2_X (res, olddir, oldpath, newdir, newpath, flags). */
static __always_inline void fill_linkat(struct kes_ev *e, struct pt_regs *r, long ret)
{
	fill_renameat(e, r, ret); /* Parameters 1-5: res, olddir, oldpath, newdir, newpath */
	store__u32(e, ARG(4) & 0x1400);               /* Parameter 6: flags (FLAGS32): AT_SYMLINK_FOLLOW | AT_EMPTY_PATH */
}

KES_EXIT_PROG(linkat, KES_SYSCALL_LINKAT_2_X, KES_SYSCALL_LINKAT_2_X_NPARAMS, KES_CAT_FILE, fill_linkat)
