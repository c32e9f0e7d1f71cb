/* sendto(2) → SOCKET_SENDTO_X (res, data, fd, size, tuple). */
static __always_inline void fill_sendto(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                                             /* Parameter 1: res (ERRNO) */
	store__user_bytes(e, UPTR(1), ret > 0 ? ret : 0, kes_snaplen);  /* Parameter 2: data (BYTEBUF) */
	store__s64(e, FDARG(0));                                        /* Parameter 3: fd (FD) */
	store__u32(e, ARG(2));                                          /* Parameter 4: size (UINT32) */
	/* unconnected datagram socket: the peer is dest_addr */
	store__socktuple_addr(e, extract__sock(FDARG(0)), UPTR(4), ARG(5), 1); /* Parameter 5: tuple (SOCKTUPLE) */
}

KES_EXIT_PROG(sendto, KES_SOCKET_SENDTO_X, KES_SOCKET_SENDTO_X_NPARAMS_ALL, KES_CAT_NET, fill_sendto)
