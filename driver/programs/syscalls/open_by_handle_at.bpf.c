/* open_by_handle_at(2) → PPME_SYSCALL_OPEN_BY_HANDLE_AT_X (fd, mountfd, flags, path, dev, ino).
 * The handle names no path, so path is the one of the file the call opened, resolved in the
 * kernel (empty when the call failed). */
static __always_inline void fill_open_by_handle_at(struct kes_ev *e, struct pt_regs *r, long ret)
{
	struct file *f = extract__fd_file(extract__task(), ret);
	store__s64(e, ret);                          /* Parameter 1: fd (FD) */
	store__s64(e, FDARG(0));                     /* Parameter 2: mountfd (FD) */
	store__u32(e, flags__open(ARG(2)));          /* Parameter 3: flags (FLAGS32, PPM_O_*) */
	if (f)                                       /* Parameter 4: path (FSPATH) */
		store__kpath(e, &f->f_path); /* Parameter 4: path (FSPATH) */
	else
		store__empty(e); /* Parameter 4: path (FSPATH) */
	store__dev_ino(e, f);                        /* Parameters 5-6: dev, ino */
}
KES_EXIT_PROG(open_by_handle_at, KES_SYSCALL_OPEN_BY_HANDLE_AT_X, KES_SYSCALL_OPEN_BY_HANDLE_AT_X_NPARAMS, KES_CAT_FILE, fill_open_by_handle_at)
