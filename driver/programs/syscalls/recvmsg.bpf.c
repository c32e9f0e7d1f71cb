/* recvmsg(2) → SOCKET_RECVMSG_X (res, size, data, tuple, msgcontrol, fd). */
static __always_inline void fill_recvmsg(struct kes_ev *e, struct pt_regs *r, long ret)
{
	struct kes_msg m;
	extract__msg(UPTR(1), ret, &m);
	store__s64(e, ret);                                             /* res */
	store__u32(e, ret > 0 ? ret : 0);                               /* size */
	store__user_bytes(e, m.iov.iov_base, m.n, kes_snaplen);         /* data: first iovec */
	store__socktuple(e, extract__sock(FDARG(0)), 0);                /* tuple */
	store__msgcontrol(e, &m, ret);                                  /* msgcontrol: ancillary data */
	store__s64(e, FDARG(0));                                        /* fd */
}

KES_EXIT_PROG(recvmsg, KES_SOCKET_RECVMSG_X, KES_SOCKET_RECVMSG_X_NPARAMS_ALL, KES_CAT_NET, fill_recvmsg)
