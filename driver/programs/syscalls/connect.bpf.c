/* connect(2) → SOCKET_CONNECT_X (res, tuple, fd, addr). */
static __always_inline void fill_connect(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                          /* Parameter 1: res (ERRNO) */
	/* tuple: only meaningful once connected (or in progress) */
	if (ret == 0 || ret == -115 /* EINPROGRESS */)
		store__socktuple(e, extract__sock(FDARG(0)), 1); /* Parameter 2: tuple (SOCKTUPLE) */
	else
		store__empty(e); /* Parameter 2: tuple (SOCKTUPLE) */
	store__s64(e, FDARG(0));                     /* Parameter 3: fd (FD) */
	store__sockaddr_user(e, UPTR(1), ARG(2));    /* Parameter 4: addr (SOCKADDR) */
}

KES_EXIT_PROG(connect, KES_SOCKET_CONNECT_X, KES_SOCKET_CONNECT_X_NPARAMS_ALL, KES_CAT_NET, fill_connect)
