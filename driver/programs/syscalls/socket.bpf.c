/* socket(2) → SOCKET_SOCKET_X (fd, domain, type, proto, flags). */
static __always_inline void fill_socket(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                 /* Parameter 1: fd (FD) */
	store__u32(e, ARG(0));              /* Parameter 2: domain (ENUMFLAGS32): PPM_AF_* = AF_* */
	store__u32(e, ARG(1));              /* Parameter 3: type (UINT32) */
	store__u32(e, ARG(2));              /* Parameter 4: proto (UINT32) */
	store__u32(e, flags__sock_type(ARG(1))); /* Parameter 5: flags (FLAGS32): SOCK_NONBLOCK/CLOEXEC as PPM_O_* */
}

KES_EXIT_PROG(socket, KES_SOCKET_SOCKET_X, KES_SOCKET_SOCKET_X_NPARAMS_ALL, KES_CAT_NET, fill_socket)
