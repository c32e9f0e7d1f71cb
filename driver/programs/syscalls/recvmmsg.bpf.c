/* recvmmsg(2) → PPME_SOCKET_RECVMMSG_X (res, fd, size, data, tuple, msgcontrol). One event
 * per call, describing the first message received (see sendmmsg). */
static __always_inline void fill_recvmmsg(struct kes_ev *e, struct pt_regs *r, long ret)
{
	struct kes_msg m;
	__u32 got = 0;
	extract__msg(UPTR(1), 0, &m);
	if (ret > 0)
		bpf_probe_read_user(&got, sizeof(got), (const char *)UPTR(1) + sizeof(struct user_msghdr));
	__u64 n = got < m.iov.iov_len ? got : m.iov.iov_len;
	store__s64(e, ret);                                   /* Parameter 1: res (ERRNO) */
	store__s64(e, FDARG(0));                              /* Parameter 2: fd (FD) */
	store__u32(e, got);                                   /* Parameter 3: size (UINT32) */
	store__user_bytes(e, m.iov.iov_base, n, kes_snaplen); /* Parameter 4: data (BYTEBUF) */
	store__socktuple(e, extract__sock(FDARG(0)), 0);      /* Parameter 5: tuple (SOCKTUPLE) */
	store__msgcontrol(e, &m, ret > 0 ? 0 : -1);           /* Parameter 6: msgcontrol (BYTEBUF) */
}
KES_EXIT_PROG(recvmmsg, KES_SOCKET_RECVMMSG_X, KES_SOCKET_RECVMMSG_X_NPARAMS_ALL, KES_CAT_NET, fill_recvmmsg)
