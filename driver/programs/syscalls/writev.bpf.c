/* writev(2) → SYSCALL_WRITEV_X (res, data, fd, size). data is the first iovec's bytes. */
static __always_inline void fill_writev(struct kes_ev *e, struct pt_regs *r, long ret)
{
	struct kes_iov v;
	extract__iov(UPTR(1), ARG(2), ret, &v);
	store__s64(e, ret);                                 /* res */
	store__user_bytes(e, v.base, v.n, kes_snaplen);     /* data */
	store__s64(e, FDARG(0));                            /* fd */
	store__u32(e, v.total);                             /* size */
}
KES_EXIT_PROG(writev, KES_SYSCALL_WRITEV_X, KES_SYSCALL_WRITEV_X_NPARAMS_ALL, KES_CAT_IO, fill_writev)
