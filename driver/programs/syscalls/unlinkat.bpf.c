/* unlinkat(2) → SYSCALL_UNLINKAT_2_X (res, dirfd, name, flags). */
static __always_inline void fill_unlinkat(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                           /* Parameter 1: res (ERRNO) */
	store__at_path(e, r, 0);                    /* Parameters 2-3: dirfd, name */
	store__u32(e, ARG(2) & 0x200);                /* Parameter 4: flags (FLAGS32): AT_REMOVEDIR = PPM value */
}

KES_EXIT_PROG(unlinkat, KES_SYSCALL_UNLINKAT_2_X, KES_SYSCALL_UNLINKAT_2_X_NPARAMS, KES_CAT_FILE, fill_unlinkat)
