/* recvfrom(2) → SOCKET_RECVFROM_X (res, data, tuple, fd, size). */
static __always_inline void fill_recvfrom(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                                             /* Parameter 1: res (ERRNO) */
	store__user_bytes(e, UPTR(1), ret > 0 ? ret : 0, kes_snaplen);  /* Parameter 2: data (BYTEBUF) */
	/* unconnected datagram socket: the peer is src_addr, as the kernel wrote it back (its
	 * length in *addrlen) */
	__u32 alen = 0;
	if (ret >= 0 && UPTR(4) && UPTR(5))
		bpf_probe_read_user(&alen, 4, UPTR(5));
	store__socktuple_addr(e, extract__sock(FDARG(0)), ret >= 0 ? UPTR(4) : NULL, alen, 0); /* Parameter 3: tuple (SOCKTUPLE) */
	store__s64(e, FDARG(0));                                        /* Parameter 4: fd (FD) */
	store__u32(e, ARG(2));                                          /* Parameter 5: size (UINT32) */
}

KES_EXIT_PROG(recvfrom, KES_SOCKET_RECVFROM_X, KES_SOCKET_RECVFROM_X_NPARAMS_ALL, KES_CAT_NET, fill_recvfrom)
