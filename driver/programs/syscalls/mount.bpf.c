/* mount(2) → SYSCALL_MOUNT_X (res, dev, dir, type, flags). */
static __always_inline void fill_mount(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                           /* res */
	store__user_str(e, UPTR(0), KES_PATH_MAX);    /* dev */
	store__user_str(e, UPTR(1), KES_PATH_MAX);    /* dir */
	store__user_str(e, UPTR(2), 256);             /* type */
	store__u32(e, ARG(3));                        /* flags: MS_* = PPM_MS_* */
}

KES_EXIT_PROG(mount, KES_SYSCALL_MOUNT_X, KES_SYSCALL_MOUNT_X_NPARAMS_ALL, KES_CAT_FILE, fill_mount)
