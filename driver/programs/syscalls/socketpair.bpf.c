/* socketpair(2) → SOCKET_SOCKETPAIR_X (res, fd1, fd2, source, peer, domain, type, proto). */
static __always_inline void fill_socketpair(struct kes_ev *e, struct pt_regs *r, long ret)
{
	int sv[2] = {-1, -1};
	if (ret == 0)
		bpf_probe_read_user(sv, sizeof(sv), UPTR(3));
	store__s64(e, ret);                         /* Parameter 1: res (ERRNO) */
	store__s64(e, sv[0]);                       /* Parameter 2: fd1 (FD) */
	store__s64(e, sv[1]);                       /* Parameter 3: fd2 (FD) */
	struct sock *a = ret == 0 ? extract__sock(sv[0]) : NULL;
	struct sock *b = a ? READ_KERN((struct unix_sock *)a, peer) : NULL;
	store__u64(e, (__u64)a);                    /* Parameter 4: source (UINT64) */
	store__u64(e, (__u64)b);                    /* Parameter 5: peer (UINT64) */
	store__u32(e, ARG(0));                      /* Parameter 6: domain (ENUMFLAGS32) */
	store__u32(e, ARG(1));                      /* Parameter 7: type (UINT32) */
	store__u32(e, ARG(2));                      /* Parameter 8: proto (UINT32) */
}

KES_EXIT_PROG(socketpair, KES_SOCKET_SOCKETPAIR_X, KES_SOCKET_SOCKETPAIR_X_NPARAMS_ALL, KES_CAT_IPC, fill_socketpair)
