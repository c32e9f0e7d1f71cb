/* sendmsg(2) → SOCKET_SENDMSG_X (res, data, fd, size, tuple). */
static __always_inline void fill_sendmsg(struct kes_ev *e, struct pt_regs *r, long ret)
{
	struct kes_msg m;
	extract__msg(UPTR(1), ret, &m);
	store__s64(e, ret);                                             /* res */
	store__user_bytes(e, m.iov.iov_base, m.n, kes_snaplen);         /* data: first iovec */
	store__s64(e, FDARG(0));                                        /* fd */
	store__u32(e, m.iov.iov_len);                                   /* size */
	store__socktuple(e, extract__sock(FDARG(0)), 1);                /* tuple */
}

KES_EXIT_PROG(sendmsg, KES_SOCKET_SENDMSG_X, KES_SOCKET_SENDMSG_X_NPARAMS_ALL, KES_CAT_NET, fill_sendmsg)
