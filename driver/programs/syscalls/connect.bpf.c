/* connect(2) → SOCKET_CONNECT_X (res, tuple, fd, addr). */
static __always_inline void fill_connect(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                          /* res */
	/* tuple: only meaningful once connected (or in progress) */
	if (ret == 0 || ret == -115 /* EINPROGRESS */)
		store__socktuple(e, extract__sock(FDARG(0)), 1);
	else
		store__empty(e);
	store__s64(e, FDARG(0));                     /* fd */
	store__sockaddr_user(e, UPTR(1), ARG(2));    /* addr */
}

KES_EXIT_PROG(connect, KES_SOCKET_CONNECT_X, KES_SOCKET_CONNECT_X_NPARAMS_ALL, KES_CAT_NET, fill_connect)
