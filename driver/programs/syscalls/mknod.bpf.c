/* mknod(2) → PPME_SYSCALL_MKNOD_X (res, path, mode, dev). mode: the PPM_S_IF* and permission
 * bits equal Linux's. dev is the argument as user space encodes it (what stat's st_rdev
 * shows for the new node). */
static __always_inline void fill_mknod(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                         /* Parameter 1: res (ERRNO) */
	store__user_str(e, UPTR(0), KES_PATH_MAX);  /* Parameter 2: path (FSPATH) */
	store__u32(e, ARG(1));                      /* Parameter 3: mode (MODE) */
	store__u32(e, ARG(2));                      /* Parameter 4: dev (UINT32) */
}
KES_EXIT_PROG(mknod, KES_SYSCALL_MKNOD_X, KES_SYSCALL_MKNOD_X_NPARAMS, KES_CAT_FILE, fill_mknod)
