/* sendmsg(2) → SOCKET_SENDMSG_X (res, data, fd, size, tuple). */
static __always_inline void fill_sendmsg(struct kes_ev *e, struct pt_regs *r, long ret)
{
	struct kes_msg m;
	extract__msg(UPTR(1), ret, &m);
	store__s64(e, ret);                                             /* Parameter 1: res (ERRNO) */
	store__user_bytes(e, m.iov.iov_base, m.n, kes_snaplen);         /* Parameter 2: data (BYTEBUF): first iovec */
	store__s64(e, FDARG(0));                                        /* Parameter 3: fd (FD) */
	store__u32(e, m.iov.iov_len);                                   /* Parameter 4: size (UINT32) */
	/* unconnected datagram socket: the peer is msg_name */
	store__socktuple_addr(e, extract__sock(FDARG(0)), m.mh.msg_name, m.mh.msg_namelen, 1); /* Parameter 5: tuple (SOCKTUPLE) */
}

KES_EXIT_PROG(sendmsg, KES_SOCKET_SENDMSG_X, KES_SOCKET_SENDMSG_X_NPARAMS_ALL, KES_CAT_NET, fill_sendmsg)
