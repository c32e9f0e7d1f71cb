/* unlinkat(2) → SYSCALL_UNLINKAT_2_X (res, dirfd, name, flags). */
static __always_inline void fill_unlinkat(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                           /* res */
	store__at_path(e, r, 0);                    /* Parameters 2, 3: dirfd (FD), path (FSRELPATH) */
	store__u32(e, ARG(2) & 0x200);                /* flags: AT_REMOVEDIR = PPM value */
}

KES_EXIT_PROG(unlinkat, KES_SYSCALL_UNLINKAT_2_X, KES_SYSCALL_UNLINKAT_2_X_NPARAMS, KES_CAT_FILE, fill_unlinkat)
