/* Signals, shutdown, memory protection, positional/vectored I/O: kill, tkill, tgkill,
 * shutdown, mprotect, pread64, pwrite64, readv, writev. Programs are named after the event
 * (pread, pwrite), which is what rules and the engine ask for. */

static __always_inline void fill_kill(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);               /* res */
	store__s64(e, (__s32)ARG(0));     /* pid */
	store__u8(e, ARG(1));             /* sig */
}
KES_EXIT_PROG(kill, KES_SYSCALL_KILL_X, KES_SYSCALL_KILL_X_NPARAMS_ALL, KES_CAT_SECURITY, fill_kill)
KES_EXIT_PROG(tkill, KES_SYSCALL_TKILL_X, KES_SYSCALL_TKILL_X_NPARAMS_ALL, KES_CAT_SECURITY, fill_kill)

static __always_inline void fill_tgkill(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__s64(e, (__s32)ARG(0));     /* pid */
	store__s64(e, (__s32)ARG(1));     /* tid */
	store__u8(e, ARG(2));             /* sig */
}
KES_EXIT_PROG(tgkill, KES_SYSCALL_TGKILL_X, KES_SYSCALL_TGKILL_X_NPARAMS_ALL, KES_CAT_SECURITY, fill_tgkill)

static __always_inline void fill_shutdown(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__s64(e, FDARG(0));
	store__u8(e, ARG(1));             /* how: SHUT_* = PPM values */
}
KES_EXIT_PROG(shutdown, KES_SOCKET_SHUTDOWN_X, KES_SOCKET_SHUTDOWN_X_NPARAMS_ALL, KES_CAT_NET, fill_shutdown)

static __always_inline void fill_mprotect(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__u64(e, ARG(0));            /* addr */
	store__u64(e, ARG(1));            /* length */
	store__u32(e, ARG(2) & 7);        /* prot: PROT_READ/WRITE/EXEC = PPM values */
}
KES_EXIT_PROG(mprotect, KES_SYSCALL_MPROTECT_X, KES_SYSCALL_MPROTECT_X_NPARAMS_ALL, KES_CAT_SECURITY, fill_mprotect)

static __always_inline void fill_prw(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                                             /* res */
	store__user_bytes(e, UPTR(1), ret > 0 ? ret : 0, kes_snaplen);  /* data */
	store__s64(e, FDARG(0));                                        /* fd */
	store__u32(e, ARG(2));                                          /* size */
	store__u64(e, ARG(3));                                          /* pos */
}
KES_EXIT_PROG_TP(pread, pread64, KES_SYSCALL_PREAD_X, KES_SYSCALL_PREAD_X_NPARAMS_ALL, KES_CAT_IO, fill_prw)
KES_EXIT_PROG_TP(pwrite, pwrite64, KES_SYSCALL_PWRITE_X, KES_SYSCALL_PWRITE_X_NPARAMS_ALL, KES_CAT_IO, fill_prw)

/* First iovec's bytes and the total size of all iovecs (up to 8). */
static __always_inline __u64 iov_first(const void *uiov, __u64 cnt, const void **base, __u64 *first_len)
{
	struct iovec v[8] = {};
	__u64 n = cnt > 8 ? 8 : cnt;
	__u64 sz = n * sizeof(v[0]);
	if (sz > sizeof(v))
		sz = sizeof(v);
	bpf_probe_read_user(v, sz, uiov);
	__u64 total = 0;
	for (int i = 0; i < 8; i++)
		if (i < n)
			total += v[i].iov_len;
	*base = v[0].iov_base;
	*first_len = v[0].iov_len;
	return total;
}

static __always_inline void fill_readv(struct kes_ev *e, struct pt_regs *r, long ret)
{
	const void *base;
	__u64 flen;
	__u64 total = iov_first(UPTR(1), ARG(2), &base, &flen);
	__u64 n = ret > 0 ? ret : 0;
	if (n > flen)
		n = flen;
	store__s64(e, ret);                                 /* res */
	store__u32(e, total);                               /* size */
	store__user_bytes(e, base, n, kes_snaplen);         /* data (first iovec) */
	store__s64(e, FDARG(0));                            /* fd */
}
KES_EXIT_PROG(readv, KES_SYSCALL_READV_X, KES_SYSCALL_READV_X_NPARAMS_ALL, KES_CAT_IO, fill_readv)

static __always_inline void fill_writev(struct kes_ev *e, struct pt_regs *r, long ret)
{
	const void *base;
	__u64 flen;
	__u64 total = iov_first(UPTR(1), ARG(2), &base, &flen);
	__u64 n = ret > 0 ? ret : 0;
	if (n > flen)
		n = flen;
	store__s64(e, ret);                                 /* res */
	store__user_bytes(e, base, n, kes_snaplen);         /* data (first iovec) */
	store__s64(e, FDARG(0));                            /* fd */
	store__u32(e, total);                               /* size */
}
KES_EXIT_PROG(writev, KES_SYSCALL_WRITEV_X, KES_SYSCALL_WRITEV_X_NPARAMS_ALL, KES_CAT_IO, fill_writev)
