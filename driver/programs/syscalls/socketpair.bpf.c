/* socketpair(2) → SOCKET_SOCKETPAIR_X (res, fd1, fd2, source, peer, domain, type, proto). */
static __always_inline void fill_socketpair(struct kes_ev *e, struct pt_regs *r, long ret)
{
	int sv[2] = {-1, -1};
	if (ret == 0)
		bpf_probe_read_user(sv, sizeof(sv), UPTR(3));
	store__s64(e, ret);                         /* res */
	store__s64(e, sv[0]);                       /* fd1 */
	store__s64(e, sv[1]);                       /* fd2 */
	struct sock *a = ret == 0 ? extract__sock(sv[0]) : NULL;
	struct sock *b = a ? READ_KERN((struct unix_sock *)a, peer) : NULL;
	store__u64(e, (__u64)a);                    /* source */
	store__u64(e, (__u64)b);                    /* peer */
	store__u32(e, ARG(0));                      /* domain */
	store__u32(e, ARG(1));                      /* type */
	store__u32(e, ARG(2));                      /* proto */
}

KES_EXIT_PROG(socketpair, KES_SOCKET_SOCKETPAIR_X, KES_SOCKET_SOCKETPAIR_X_NPARAMS_ALL, KES_CAT_IPC, fill_socketpair)
