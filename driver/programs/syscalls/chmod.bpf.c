/* chmod(2) → SYSCALL_CHMOD_X (res, filename, mode). */
static __always_inline void fill_chmod(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret); /* Parameter 1: res (ERRNO) */
	store__user_str(e, UPTR(0), KES_PATH_MAX); /* Parameter 2: filename (FSPATH) */
	store__u32(e, ARG(1) & 07777); /* Parameter 3: mode (MODE) */
}

KES_EXIT_PROG(chmod, KES_SYSCALL_CHMOD_X, KES_SYSCALL_CHMOD_X_NPARAMS, KES_CAT_FILE, fill_chmod)
