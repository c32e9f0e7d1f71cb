/* Network: socket, bind, connect, listen, accept, accept4, sendto, recvfrom, socketpair,
 * sendmsg, recvmsg. Tuples come from the kernel socket after the call, so they hold the
 * addresses the kernel chose (ephemeral ports, peer of an accept). */

static __always_inline void fill_socket(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                 /* Parameter 1: fd (FD) */
	store__u32(e, ARG(0));              /* Parameter 2: domain (PPM_AF_* = AF_*) */
	store__u32(e, ARG(1));              /* Parameter 3: type */
	store__u32(e, ARG(2));              /* Parameter 4: proto */
	store__u32(e, flags__sock_type(ARG(1))); /* Parameter 5: flags (SOCK_NONBLOCK/CLOEXEC as PPM_O_*) */
}
KES_EXIT_PROG(socket, KES_SOCKET_SOCKET_X, KES_SOCKET_SOCKET_X_NPARAMS_ALL, KES_CAT_NET, fill_socket)

static __always_inline void fill_bind(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                          /* res */
	store__sockaddr_user(e, UPTR(1), ARG(2));    /* addr */
	store__s64(e, FDARG(0));                     /* fd */
}
KES_EXIT_PROG(bind, KES_SOCKET_BIND_X, KES_SOCKET_BIND_X_NPARAMS_ALL, KES_CAT_NET, fill_bind)

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

static __always_inline void fill_listen(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__s64(e, FDARG(0));
	store__u32(e, ARG(1));
}
KES_EXIT_PROG(listen, KES_SOCKET_LISTEN_X, KES_SOCKET_LISTEN_X_NPARAMS_ALL, KES_CAT_NET, fill_listen)

static __always_inline void fill_accept(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                          /* fd */
	store__socktuple(e, ret >= 0 ? extract__sock(ret) : NULL, 0); /* tuple: peer → us */
	/* queue fill of the listening socket */
	struct sock *ls = extract__sock(FDARG(0));
	__u32 qlen = ls ? READ_KERN(ls, sk_ack_backlog) : 0;
	__u32 qmax = ls ? READ_KERN(ls, sk_max_ack_backlog) : 0;
	store__u8(e, qmax ? (qlen * 100) / qmax : 0); /* queuepct */
	store__u32(e, qlen);                          /* queuelen */
	store__u32(e, qmax);                          /* queuemax */
}
KES_EXIT_PROG(accept, KES_SOCKET_ACCEPT_5_X, KES_SOCKET_ACCEPT_5_X_NPARAMS, KES_CAT_NET, fill_accept)
KES_EXIT_PROG(accept4, KES_SOCKET_ACCEPT4_5_X, KES_SOCKET_ACCEPT4_5_X_NPARAMS, KES_CAT_NET, fill_accept)

static __always_inline void fill_sendto(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                                             /* res */
	store__user_bytes(e, UPTR(1), ret > 0 ? ret : 0, kes_snaplen);  /* data */
	store__s64(e, FDARG(0));                                        /* fd */
	store__u32(e, ARG(2));                                          /* size */
	store__socktuple(e, extract__sock(FDARG(0)), 1);                /* tuple */
}
KES_EXIT_PROG(sendto, KES_SOCKET_SENDTO_X, KES_SOCKET_SENDTO_X_NPARAMS_ALL, KES_CAT_NET, fill_sendto)

static __always_inline void fill_recvfrom(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                                             /* res */
	store__user_bytes(e, UPTR(1), ret > 0 ? ret : 0, kes_snaplen);  /* data */
	store__socktuple(e, extract__sock(FDARG(0)), 0);                /* tuple */
	store__s64(e, FDARG(0));                                        /* fd */
	store__u32(e, ARG(2));                                          /* size */
}
KES_EXIT_PROG(recvfrom, KES_SOCKET_RECVFROM_X, KES_SOCKET_RECVFROM_X_NPARAMS_ALL, KES_CAT_NET, fill_recvfrom)

static __always_inline void fill_sendmsg(struct kes_ev *e, struct pt_regs *r, long ret)
{
	struct kes_msg m;
	extract__msg(UPTR(1), ret, &m);
	store__s64(e, ret);                                             /* res */
	store__user_bytes(e, m.iov.iov_base, m.n, kes_snaplen);         /* data: first iovec */
	store__s64(e, FDARG(0));                                        /* fd */
	store__u32(e, m.iov.iov_len);                                   /* size */
	store__socktuple(e, extract__sock(FDARG(0)), 1);                /* tuple */
}
KES_EXIT_PROG(sendmsg, KES_SOCKET_SENDMSG_X, KES_SOCKET_SENDMSG_X_NPARAMS_ALL, KES_CAT_NET, fill_sendmsg)

static __always_inline void fill_recvmsg(struct kes_ev *e, struct pt_regs *r, long ret)
{
	struct kes_msg m;
	extract__msg(UPTR(1), ret, &m);
	store__s64(e, ret);                                             /* res */
	store__u32(e, ret > 0 ? ret : 0);                               /* size */
	store__user_bytes(e, m.iov.iov_base, m.n, kes_snaplen);         /* data: first iovec */
	store__socktuple(e, extract__sock(FDARG(0)), 0);                /* tuple */
	store__msgcontrol(e, &m, ret);                                  /* msgcontrol: ancillary data */
	store__s64(e, FDARG(0));                                        /* fd */
}
KES_EXIT_PROG(recvmsg, KES_SOCKET_RECVMSG_X, KES_SOCKET_RECVMSG_X_NPARAMS_ALL, KES_CAT_NET, fill_recvmsg)

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
