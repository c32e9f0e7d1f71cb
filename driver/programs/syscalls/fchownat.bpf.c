/* fchownat(2) → PPME_SYSCALL_FCHOWNAT_X (res, dirfd, pathname, uid, gid, flags). The PPM
 * AT_SYMLINK_NOFOLLOW / AT_EMPTY_PATH values are Linux's. */
static __always_inline void fill_fchownat(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                         /* Parameter 1: res (ERRNO) */
	store__at_path(e, r, 0);                    /* Parameters 2-3: dirfd, pathname */
	store__u32(e, ARG(2));                      /* Parameter 4: uid (UINT32) */
	store__u32(e, ARG(3));                      /* Parameter 5: gid (UINT32) */
	store__u32(e, ARG(4) & (KES_FCHOWNAT_FLAGS_AT_SYMLINK_NOFOLLOW | KES_FCHOWNAT_FLAGS_AT_EMPTY_PATH)); /* Parameter 6: flags (FLAGS32) */
}
KES_EXIT_PROG(fchownat, KES_SYSCALL_FCHOWNAT_X, KES_SYSCALL_FCHOWNAT_X_NPARAMS, KES_CAT_FILE, fill_fchownat)
