/* listen(2) → SOCKET_LISTEN_X (res, fd, backlog). */
static __always_inline void fill_listen(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret); /* Parameter 1: res (ERRNO) */
	store__s64(e, FDARG(0)); /* Parameter 2: fd (FD) */
	store__u32(e, ARG(1)); /* Parameter 3: backlog (INT32) */
}

KES_EXIT_PROG(listen, KES_SOCKET_LISTEN_X, KES_SOCKET_LISTEN_X_NPARAMS_ALL, KES_CAT_NET, fill_listen)
