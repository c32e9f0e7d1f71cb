/* bind(2) → SOCKET_BIND_X (res, addr, fd). */
static __always_inline void fill_bind(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                          /* res */
	store__sockaddr_user(e, UPTR(1), ARG(2));    /* addr */
	store__s64(e, FDARG(0));                     /* fd */
}

KES_EXIT_PROG(bind, KES_SOCKET_BIND_X, KES_SOCKET_BIND_X_NPARAMS_ALL, KES_CAT_NET, fill_bind)
