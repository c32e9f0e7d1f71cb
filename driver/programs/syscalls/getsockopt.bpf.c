/* getsockopt(2) → PPME_SOCKET_GETSOCKOPT_X (res, fd, level, optname, val, optlen): the value
 * and the length the kernel wrote back. */
static __always_inline void fill_getsockopt(struct kes_ev *e, struct pt_regs *r, long ret)
{
	__u32 len = 0;
	bpf_probe_read_user(&len, sizeof(len), UPTR(4));
	store__s64(e, ret);                                     /* Parameter 1: res (ERRNO) */
	store__s64(e, FDARG(0));                                /* Parameter 2: fd (FD) */
	store__u8(e, flags__sockopt_level(ARG(1)));             /* Parameter 3: level (FLAGS8) */
	store__u8(e, flags__sockopt_name(ARG(1), ARG(2)));      /* Parameter 4: optname (FLAGS8) */
	if (ret == 0)                                           /* Parameter 5: val (DYN) */
		store__sockopt_val(e, ARG(1), ARG(2), UPTR(3), len); /* Parameter 5: val (DYN) */
	else
		store__sockopt_val(e, ARG(1), ARG(2), NULL, 0); /* Parameter 5: val (DYN) */
	store__u32(e, len);                                     /* Parameter 6: optlen (UINT32) */
}
KES_EXIT_PROG(getsockopt, KES_SOCKET_GETSOCKOPT_X, KES_SOCKET_GETSOCKOPT_X_NPARAMS, KES_CAT_NET, fill_getsockopt)
