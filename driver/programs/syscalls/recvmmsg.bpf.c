/* recvmmsg(2) → PPME_SOCKET_RECVMMSG_X (res, fd, size, data, tuple, msgcontrol). One event
 * per call, describing the first message received (see sendmmsg). */
static __always_inline void fill_recvmmsg(struct kes_ev *e, struct pt_regs *r, long ret)
{
	struct kes_msg m;
	extract__mmsg_first(UPTR(1), ret, &m);
	store__s64(e, ret);                                   /* Parameter 1: res (ERRNO) */
	store__s64(e, FDARG(0));                              /* Parameter 2: fd (FD) */
	store__u32(e, m.msg_len);                             /* Parameter 3: size (UINT32) */
	store__user_bytes(e, m.iov.iov_base, m.n, kes_snaplen); /* Parameter 4: data (BYTEBUF) */
	store__socktuple(e, extract__sock(FDARG(0)), 0);      /* Parameter 5: tuple (SOCKTUPLE) */
	store__msgcontrol(e, &m, ret > 0 ? 0 : -1);           /* Parameter 6: msgcontrol (BYTEBUF) */
}
KES_EXIT_PROG(recvmmsg, KES_SOCKET_RECVMMSG_X, KES_SOCKET_RECVMMSG_X_NPARAMS_ALL, KES_CAT_NET, fill_recvmmsg)
