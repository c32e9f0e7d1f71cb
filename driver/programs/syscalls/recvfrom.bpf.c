/* recvfrom(2) → SOCKET_RECVFROM_X (res, data, tuple, fd, size). */
static __always_inline void fill_recvfrom(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                                             /* res */
	store__user_bytes(e, UPTR(1), ret > 0 ? ret : 0, kes_snaplen);  /* data */
	store__socktuple(e, extract__sock(FDARG(0)), 0);                /* tuple */
	store__s64(e, FDARG(0));                                        /* fd */
	store__u32(e, ARG(2));                                          /* size */
}

KES_EXIT_PROG(recvfrom, KES_SOCKET_RECVFROM_X, KES_SOCKET_RECVFROM_X_NPARAMS_ALL, KES_CAT_NET, fill_recvfrom)
