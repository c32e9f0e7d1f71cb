/* setsockopt(2) → PPME_SOCKET_SETSOCKOPT_X (res, fd, level, optname, val, optlen): the value
 * as the caller gave it. */
static __always_inline void fill_setsockopt(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                                     /* Parameter 1: res (ERRNO) */
	store__s64(e, FDARG(0));                                /* Parameter 2: fd (FD) */
	store__u8(e, flags__sockopt_level(ARG(1)));             /* Parameter 3: level (FLAGS8) */
	store__u8(e, flags__sockopt_name(ARG(1), ARG(2)));      /* Parameter 4: optname (FLAGS8) */
	store__sockopt_val(e, ARG(1), ARG(2), UPTR(3), ARG(4)); /* Parameter 5: val (DYN) */
	store__u32(e, ARG(4));                                  /* Parameter 6: optlen (UINT32) */
}
KES_EXIT_PROG(setsockopt, KES_SOCKET_SETSOCKOPT_X, KES_SOCKET_SETSOCKOPT_X_NPARAMS, KES_CAT_NET, fill_setsockopt)
