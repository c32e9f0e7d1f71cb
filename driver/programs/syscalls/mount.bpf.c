/* mount(2) → SYSCALL_MOUNT_X (res, dev, dir, type, flags). */
static __always_inline void fill_mount(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                           /* Parameter 1: res (ERRNO) */
	store__user_str(e, UPTR(0), KES_PATH_MAX);    /* Parameter 2: dev (CHARBUF) */
	store__user_str(e, UPTR(1), KES_PATH_MAX);    /* Parameter 3: dir (FSPATH) */
	store__user_str(e, UPTR(2), 256);             /* Parameter 4: type (CHARBUF) */
	store__u32(e, ARG(3));                        /* Parameter 5: flags (FLAGS32): MS_* = PPM_MS_* */
}

KES_EXIT_PROG(mount, KES_SYSCALL_MOUNT_X, KES_SYSCALL_MOUNT_X_NPARAMS_ALL, KES_CAT_FILE, fill_mount)
