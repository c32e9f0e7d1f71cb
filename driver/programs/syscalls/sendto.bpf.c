/* sendto(2) → SOCKET_SENDTO_X (res, data, fd, size, tuple). */
static __always_inline void fill_sendto(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                                             /* res */
	store__user_bytes(e, UPTR(1), ret > 0 ? ret : 0, kes_snaplen);  /* data */
	store__s64(e, FDARG(0));                                        /* fd */
	store__u32(e, ARG(2));                                          /* size */
	store__socktuple(e, extract__sock(FDARG(0)), 1);                /* tuple */
}

KES_EXIT_PROG(sendto, KES_SOCKET_SENDTO_X, KES_SOCKET_SENDTO_X_NPARAMS_ALL, KES_CAT_NET, fill_sendto)
