/* Interface layer: parameter groups that several syscalls share (the memory triple of the
 * mm events, the first message of a msghdr, a socket option value). Programs call these so
 * one shape is written (and verified) in one place. */
#ifndef KES_INTERFACES_FILL_H
#define KES_INTERFACES_FILL_H

#include "helpers/interfaces/prog.h"

/* vm_size, vm_rss, vm_swap (UINT32, KiB) of the current task, after the call. */
static __always_inline void store__vm(struct kes_ev *e)
{
	struct kes_vm vm;
	extract__vm(extract__task(), &vm);
	store__u32(e, vm.size_kb);
	store__u32(e, vm.rss_kb);
	store__u32(e, vm.swap_kb);
}

/* dev and ino (UINT32, UINT64) of an open file; 0, 0 when there is none (a failed call). */
static __always_inline void store__dev_ino(struct kes_ev *e, struct file *f)
{
	__u32 dev;
	__u64 ino;
	extract__file_dev_ino(f, &dev, &ino);
	store__u32(e, dev);
	store__u64(e, ino);
}

/* name (FSPATH/FSRELPATH), flags (FLAGS32, PPM_O_*) and mode (UINT32) of the open family. */
static __always_inline void store__open_args(struct kes_ev *e, const void *path, __u64 flags, __u64 mode)
{
	store__user_str(e, path, KES_PATH_MAX);
	store__u32(e, flags__open(flags));
	store__u32(e, flags__open_mode(flags, mode));
}

/* A user msghdr and its first iovec: the data parameter of the msg family is the first
 * iovec's bytes (up to the call's result), as the 2022 driver wrote it. */
struct kes_msg {
	struct user_msghdr mh;
	struct iovec iov;
	__u64 n; /* bytes of iov to copy: min(res, iov_len) */
	__u32 msg_len; /* sendmmsg/recvmmsg: bytes the kernel reports for the message */
};

static __always_inline void extract__msg(const void *umsg, long ret, struct kes_msg *m)
{
	__builtin_memset(m, 0, sizeof(*m));
	bpf_probe_read_user(&m->mh, sizeof(m->mh), umsg);
	if (m->mh.msg_iovlen > 0)
		bpf_probe_read_user(&m->iov, sizeof(m->iov), m->mh.msg_iov);
	m->n = ret > 0 ? ret : 0;
	if (m->n > m->iov.iov_len)
		m->n = m->iov.iov_len;
}

/* The first message of a sendmmsg/recvmmsg vector (struct mmsghdr: a msghdr, then msg_len):
 * one event per call describes the first message, its data up to msg_len. */
static __always_inline void extract__mmsg_first(const void *uvec, long ret, struct kes_msg *m)
{
	extract__msg(uvec, 0, m);
	if (ret > 0)
		bpf_probe_read_user(&m->msg_len, sizeof(m->msg_len), (const char *)uvec + sizeof(struct user_msghdr));
	m->n = m->msg_len < m->iov.iov_len ? m->msg_len : m->iov.iov_len;
}

/* Ancillary data of a received message (msg_controllen is the length the kernel wrote). */
static __always_inline void store__msgcontrol(struct kes_ev *e, struct kes_msg *m, long ret)
{
	if (ret >= 0 && m->mh.msg_control && m->mh.msg_controllen > 0)
		store__user_bytes(e, m->mh.msg_control, m->mh.msg_controllen, KES_ARGS_MAX);
	else
		store__empty(e);
}

/* The DYN value of getsockopt/setsockopt (sockopt_dynamic_param): selector byte, then
 * ERRNO (SO_ERROR, negated), RELTIME (SO_RCVTIMEO/SO_SNDTIMEO as ns), UINT64 (SO_COOKIE),
 * UINT32 (int-valued SOL_SOCKET options) or the raw bytes (everything else). */
#define KES_SOCKOPT_IDX_BYTES 0
#define KES_SOCKOPT_IDX_ERRNO 1
#define KES_SOCKOPT_IDX_UINT32 2
#define KES_SOCKOPT_IDX_UINT64 3
#define KES_SOCKOPT_IDX_RELTIME 4
#define KES_SOCKOPT_MAX 256

static __always_inline void store__sockopt_val(struct kes_ev *e, __u64 level, __u64 name, const void *uval, __u32 len)
{
	__u8 *d = &e->buf[e->pos & KES_EV_MASK];
	__u8 sel = KES_SOCKOPT_IDX_BYTES;
	if (level == L_SOL_SOCKET) {
		if (name == 4)
			sel = KES_SOCKOPT_IDX_ERRNO;
		else if (name == 20 || name == 21 || name == 66 || name == 67)
			sel = KES_SOCKOPT_IDX_RELTIME;
		else if (name == 57)
			sel = KES_SOCKOPT_IDX_UINT64;
		else if (name != 13 && name != 17 && name != 26 && name != 28 && name <= 50)
			sel = KES_SOCKOPT_IDX_UINT32;
	}
	if (!uval)
		sel = KES_SOCKOPT_IDX_BYTES;
	d[0] = sel;
	if (sel == KES_SOCKOPT_IDX_ERRNO || sel == KES_SOCKOPT_IDX_UINT32) {
		__s32 v = 0;
		bpf_probe_read_user(&v, sizeof(v), uval);
		if (sel == KES_SOCKOPT_IDX_ERRNO) {
			__s64 er = -(__s64)v;
			__builtin_memcpy(d + 1, &er, 8);
			store__len(e, 9);
		} else {
			__builtin_memcpy(d + 1, &v, 4);
			store__len(e, 5);
		}
		return;
	}
	if (sel == KES_SOCKOPT_IDX_UINT64 || sel == KES_SOCKOPT_IDX_RELTIME) {
		__u64 v[2] = {};
		bpf_probe_read_user(v, sel == KES_SOCKOPT_IDX_RELTIME ? 16 : 8, uval);
		__u64 out = sel == KES_SOCKOPT_IDX_RELTIME ? v[0] * 1000000000ull + v[1] * 1000 : v[0];
		__builtin_memcpy(d + 1, &out, 8);
		store__len(e, 9);
		return;
	}
	__u64 n = len > KES_SOCKOPT_MAX ? KES_SOCKOPT_MAX : len;
	/* keep the mask: clang would otherwise fold it into the bound above and hand the
	 * verifier a register it cannot bound */
	barrier_var(n);
	n &= KES_SOCKOPT_MAX * 2 - 1;
	if (!uval || bpf_probe_read_user(d + 1, n, uval) < 0)
		n = 0;
	store__len(e, 1 + n);
}

/* The first iovec of a vector (its bytes are the data parameter, up to the call's result)
 * and the total length of the first 8 iovecs (the size parameter). */
struct kes_iov {
	const void *base;
	__u64 n;     /* bytes of the first iovec to copy: min(res, its length) */
	__u64 total; /* sum of the iovec lengths (first 8) */
};

static __always_inline void extract__iov(const void *uiov, __u64 cnt, long ret, struct kes_iov *out)
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
	out->base = v[0].iov_base;
	out->total = total;
	out->n = ret > 0 ? ret : 0;
	if (out->n > v[0].iov_len)
		out->n = v[0].iov_len;
}

/* fd (FD) and the path (FSRELPATH) relative to it: arguments i and i + 1 of an *at call. */
static __always_inline void store__at_path(struct kes_ev *e, struct pt_regs *r, int i)
{
	store__s64(e, (__s32)extract__arg(r, i));
	store__user_str(e, (const void *)extract__arg(r, i + 1), KES_PATH_MAX);
}

#endif
