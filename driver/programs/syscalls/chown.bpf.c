/* chown(2) → PPME_SYSCALL_CHOWN_X (current table: res, path, uid, gid). uid/gid as given
 * (-1 = unchanged is 4294967295). */
static __always_inline void fill_chown(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                         /* Parameter 1: res (ERRNO) */
	store__user_str(e, UPTR(0), KES_PATH_MAX);  /* Parameter 2: path (FSPATH) */
	store__u32(e, ARG(1));                      /* Parameter 3: uid (UINT32) */
	store__u32(e, ARG(2));                      /* Parameter 4: gid (UINT32) */
}
KES_EXIT_PROG(chown, KES_SYSCALL_CHOWN_X, KES_SYSCALL_CHOWN_X_NPARAMS, KES_CAT_FILE, fill_chown)
