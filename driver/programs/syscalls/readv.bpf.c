/* readv(2) → SYSCALL_READV_X (res, size, data, fd). data is the first iovec's bytes. */
static __always_inline void fill_readv(struct kes_ev *e, struct pt_regs *r, long ret)
{
	struct kes_iov v;
	extract__iov(UPTR(1), ARG(2), ret, &v);
	store__s64(e, ret);                                 /* Parameter 1: res (ERRNO) */
	store__u32(e, v.total);                             /* Parameter 2: size (UINT32) */
	store__user_bytes(e, v.base, v.n, kes_snaplen);     /* Parameter 3: data (BYTEBUF) */
	store__s64(e, FDARG(0));                            /* Parameter 4: fd (FD) */
}
KES_EXIT_PROG(readv, KES_SYSCALL_READV_X, KES_SYSCALL_READV_X_NPARAMS_ALL, KES_CAT_IO, fill_readv)
