/* bind(2) → SOCKET_BIND_X (res, addr, fd). */
static __always_inline void fill_bind(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                          /* Parameter 1: res (ERRNO) */
	store__sockaddr_user(e, UPTR(1), ARG(2));    /* Parameter 2: addr (SOCKADDR) */
	store__s64(e, FDARG(0));                     /* Parameter 3: fd (FD) */
}

KES_EXIT_PROG(bind, KES_SOCKET_BIND_X, KES_SOCKET_BIND_X_NPARAMS_ALL, KES_CAT_NET, fill_bind)
