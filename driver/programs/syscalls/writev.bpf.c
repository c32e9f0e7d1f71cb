/* writev(2) → SYSCALL_WRITEV_X (res, data, fd, size). data is the first iovec's bytes. */
static __always_inline void fill_writev(struct kes_ev *e, struct pt_regs *r, long ret)
{
	struct kes_iov v;
	extract__iov(UPTR(1), ARG(2), ret, &v);
	store__s64(e, ret);                                 /* Parameter 1: res (ERRNO) */
	store__user_bytes(e, v.base, v.n, kes_snaplen);     /* Parameter 2: data (BYTEBUF) */
	store__s64(e, FDARG(0));                            /* Parameter 3: fd (FD) */
	store__u32(e, v.total);                             /* Parameter 4: size (UINT32) */
}
KES_EXIT_PROG(writev, KES_SYSCALL_WRITEV_X, KES_SYSCALL_WRITEV_X_NPARAMS_ALL, KES_CAT_IO, fill_writev)
