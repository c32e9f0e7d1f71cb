/* sendmmsg(2) → PPME_SOCKET_SENDMMSG_X (res, fd, size, data, tuple). One event per call
 * (kestrel's convention), describing the first message: res is the number of messages sent,
 * size the first message's first iovec length, data its bytes (up to what the kernel
 * reports sent for that message, msg_len). */
static __always_inline void fill_sendmmsg(struct kes_ev *e, struct pt_regs *r, long ret)
{
	struct kes_msg m;
	extract__mmsg_first(UPTR(1), ret, &m);
	store__s64(e, ret);                                   /* Parameter 1: res (ERRNO) */
	store__s64(e, FDARG(0));                              /* Parameter 2: fd (FD) */
	store__u32(e, m.iov.iov_len);                         /* Parameter 3: size (UINT32) */
	store__user_bytes(e, m.iov.iov_base, m.n, kes_snaplen); /* Parameter 4: data (BYTEBUF) */
	store__socktuple(e, extract__sock(FDARG(0)), 1);      /* Parameter 5: tuple (SOCKTUPLE) */
}
KES_EXIT_PROG(sendmmsg, KES_SOCKET_SENDMMSG_X, KES_SOCKET_SENDMMSG_X_NPARAMS_ALL, KES_CAT_NET, fill_sendmmsg)
