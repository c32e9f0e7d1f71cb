/* shutdown(2) → SOCKET_SHUTDOWN_X (res, fd, how). */
static __always_inline void fill_shutdown(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret); /* Parameter 1: res (ERRNO) */
	store__s64(e, FDARG(0)); /* Parameter 2: fd (FD) */
	store__u8(e, ARG(1));             /* Parameter 3: how (ENUMFLAGS8): SHUT_* = PPM values */
}

KES_EXIT_PROG(shutdown, KES_SOCKET_SHUTDOWN_X, KES_SOCKET_SHUTDOWN_X_NPARAMS_ALL, KES_CAT_NET, fill_shutdown)
