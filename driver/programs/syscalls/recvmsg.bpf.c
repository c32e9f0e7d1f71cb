/* recvmsg(2) → SOCKET_RECVMSG_X (res, size, data, tuple, msgcontrol, fd). */
static __always_inline void fill_recvmsg(struct kes_ev *e, struct pt_regs *r, long ret)
{
	struct kes_msg m;
	extract__msg(UPTR(1), ret, &m);
	store__s64(e, ret);                                             /* Parameter 1: res (ERRNO) */
	store__u32(e, ret > 0 ? ret : 0);                               /* Parameter 2: size (UINT32) */
	store__user_bytes(e, m.iov.iov_base, m.n, kes_snaplen);         /* Parameter 3: data (BYTEBUF): first iovec */
	/* unconnected datagram socket: the peer is msg_name as the kernel wrote it back (the
	 * msghdr is read at exit, so msg_namelen is the written length) */
	store__socktuple_addr(e, extract__sock(FDARG(0)), ret >= 0 ? m.mh.msg_name : NULL, m.mh.msg_namelen, 0); /* Parameter 4: tuple (SOCKTUPLE) */
	store__msgcontrol(e, &m, ret);                                  /* Parameter 5: msgcontrol (BYTEBUF): ancillary data */
	store__s64(e, FDARG(0));                                        /* Parameter 6: fd (FD) */
}

KES_EXIT_PROG(recvmsg, KES_SOCKET_RECVMSG_X, KES_SOCKET_RECVMSG_X_NPARAMS_ALL, KES_CAT_NET, fill_recvmsg)
