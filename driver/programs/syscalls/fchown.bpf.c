/* fchown(2) → PPME_SYSCALL_FCHOWN_X (res, fd, uid, gid). */
static __always_inline void fill_fchown(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);             /* Parameter 1: res (ERRNO) */
	store__s64(e, FDARG(0));        /* Parameter 2: fd (FD) */
	store__u32(e, ARG(1));          /* Parameter 3: uid (UINT32) */
	store__u32(e, ARG(2));          /* Parameter 4: gid (UINT32) */
}
KES_EXIT_PROG(fchown, KES_SYSCALL_FCHOWN_X, KES_SYSCALL_FCHOWN_X_NPARAMS, KES_CAT_FILE, fill_fchown)
