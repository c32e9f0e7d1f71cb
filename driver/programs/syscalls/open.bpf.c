/* open(2) → SYSCALL_OPEN_X (fd, name, flags, mode, dev, ino). */
static __always_inline void fill_open(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                                    /* Parameter 1: fd (FD) */
	store__open_args(e, UPTR(0), ARG(1), ARG(2));          /* Parameters 2-4: name, flags, mode */
	store__dev_ino(e, extract__fd_file(extract__task(), ret)); /* Parameters 5-6: dev, ino */
}
KES_EXIT_PROG(open, KES_SYSCALL_OPEN_X, KES_SYSCALL_OPEN_X_NPARAMS_ALL, KES_CAT_FILE, fill_open)
