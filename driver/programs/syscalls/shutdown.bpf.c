/* shutdown(2) → SOCKET_SHUTDOWN_X (res, fd, how). */
static __always_inline void fill_shutdown(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__s64(e, FDARG(0));
	store__u8(e, ARG(1));             /* how: SHUT_* = PPM values */
}

KES_EXIT_PROG(shutdown, KES_SOCKET_SHUTDOWN_X, KES_SOCKET_SHUTDOWN_X_NPARAMS_ALL, KES_CAT_NET, fill_shutdown)
