/* mkdir(2) → SYSCALL_MKDIR_2_X (res, path, mode). */
static __always_inline void fill_mkdir(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret); /* Parameter 1: res (ERRNO) */
	store__user_str(e, UPTR(0), KES_PATH_MAX); /* Parameter 2: path (FSPATH) */
	store__u32(e, ARG(1) & 07777);                /* Parameter 3: mode (UINT32): appended */
}

KES_EXIT_PROG(mkdir, KES_SYSCALL_MKDIR_2_X, KES_SYSCALL_MKDIR_2_X_NPARAMS_ALL, KES_CAT_FILE, fill_mkdir)
