/* openat(2) → SYSCALL_OPENAT_2_X (fd, dirfd, name, flags, mode, dev, ino). */
static __always_inline void fill_openat(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                                    /* Parameter 1: fd (FD) */
	store__s64(e, FDARG(0));                               /* Parameter 2: dirfd (FD) */
	store__open_args(e, UPTR(1), ARG(2), ARG(3));          /* Parameters 3-5: name, flags, mode */
	store__dev_ino(e, extract__fd_file(extract__task(), ret)); /* Parameters 6-7: dev, ino */
}
KES_EXIT_PROG(openat, KES_SYSCALL_OPENAT_2_X, KES_SYSCALL_OPENAT_2_X_NPARAMS_ALL, KES_CAT_FILE, fill_openat)
