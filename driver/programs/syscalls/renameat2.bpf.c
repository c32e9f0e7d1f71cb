/* renameat2(2) → SYSCALL_RENAMEAT2_X (res, olddirfd, oldpath, newdirfd, newpath, flags). */
static __always_inline void fill_renameat2(struct kes_ev *e, struct pt_regs *r, long ret)
{
	fill_renameat(e, r, ret); /* Parameters 1-5: res, olddirfd, oldpath, newdirfd, newpath */
	store__u32(e, ARG(4) & 7);                    /* Parameter 6: flags (FLAGS32): RENAME_* = PPM values */
}

KES_EXIT_PROG(renameat2, KES_SYSCALL_RENAMEAT2_X, KES_SYSCALL_RENAMEAT2_X_NPARAMS, KES_CAT_FILE, fill_renameat2)
