/* sendfile(2) → PPME_SYSCALL_SENDFILE_X (+ appended out_fd, in_fd, size). x86-64 has only
 * the sendfile64 entry point; the program is named after the event. offset is the value the
 * kernel left in *offset (the position after the copy), 0 when offset was NULL. */
static __always_inline void fill_sendfile(struct kes_ev *e, struct pt_regs *r, long ret)
{
	__u64 off = 0;
	if (UPTR(2))
		bpf_probe_read_user(&off, sizeof(off), UPTR(2));
	store__s64(e, ret);             /* Parameter 1: res (ERRNO) */
	store__u64(e, off);             /* Parameter 2: offset (UINT64) */
	store__s64(e, FDARG(0));        /* Parameter 3: out_fd (FD) */
	store__s64(e, FDARG(1));        /* Parameter 4: in_fd (FD) */
	store__u64(e, ARG(3));          /* Parameter 5: size (UINT64) */
}
KES_EXIT_PROG_TP(sendfile, sendfile64, KES_SYSCALL_SENDFILE_X, KES_SYSCALL_SENDFILE_X_NPARAMS_ALL, KES_CAT_IO, fill_sendfile)
