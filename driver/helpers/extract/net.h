/* Extract layer: sockets behind fds, and the SOCKADDR / SOCKTUPLE wire encodings
 * (scap-format.md §5.3): family byte, then addresses in network order and ports in host
 * order; unix tuples carry the two kernel socket pointers and a path. */
#ifndef KES_EXTRACT_NET_H
#define KES_EXTRACT_NET_H

#include "helpers/extract/file.h"

#define L_AF_UNIX 1
#define L_AF_INET 2
#define L_AF_INET6 10

static __always_inline struct sock *extract__sock(long fd)
{
	struct file *f = extract__fd_file(extract__task(), fd);
	if (!f)
		return NULL;
	struct socket *s = READ_KERN(f, private_data);
	return s ? READ_KERN(s, sk) : NULL;
}

static __always_inline __u16 kes_ntohs(__u16 v)
{
	return (v >> 8) | (v << 8);
}

/* SOCKADDR from a user struct sockaddr. */
static __always_inline void store__sockaddr_user(struct kes_ev *e, const void *ua, __u64 alen)
{
	__u16 fam = 0;
	if (!ua || alen < 2 || bpf_probe_read_user(&fam, 2, ua) < 0) {
		store__empty(e);
		return;
	}
	__u8 *d = &e->buf[e->pos & KES_EV_MASK];
	if (fam == L_AF_INET) {
		struct sockaddr_in sin = {};
		bpf_probe_read_user(&sin, sizeof(sin), ua);
		d[0] = L_AF_INET;
		__builtin_memcpy(d + 1, &sin.sin_addr.s_addr, 4);
		__u16 port = kes_ntohs(sin.sin_port);
		__builtin_memcpy(d + 5, &port, 2);
		store__len(e, 7);
	} else if (fam == L_AF_INET6) {
		struct sockaddr_in6 sin6 = {};
		bpf_probe_read_user(&sin6, sizeof(sin6), ua);
		d[0] = L_AF_INET6;
		__builtin_memcpy(d + 1, &sin6.sin6_addr, 16);
		__u16 port = kes_ntohs(sin6.sin6_port);
		__builtin_memcpy(d + 17, &port, 2);
		store__len(e, 19);
	} else if (fam == L_AF_UNIX) {
		d[0] = L_AF_UNIX;
		char first = 0;
		bpf_probe_read_user(&first, 1, ua + 2);
		long n;
		if (first == 0 && alen > 3) {
			d[1] = '@'; /* abstract socket */
			n = bpf_probe_read_user_str(&e->buf[(e->pos + 2) & KES_EV_MASK], 108, ua + 3);
			n = n > 0 ? n + 1 : 2;
		} else {
			n = bpf_probe_read_user_str(&e->buf[(e->pos + 1) & KES_EV_MASK], 108, ua + 2);
			if (n <= 0) {
				d[1] = 0;
				n = 1;
			}
		}
		store__len(e, 1 + n);
	} else {
		store__empty(e);
	}
}

/* SOCKTUPLE of a connected socket; outbound = local side is the source ("s" is the client:
 * connect, sendto); inbound = the peer is the source (accept, recvfrom). */
static __always_inline void store__socktuple(struct kes_ev *e, struct sock *sk, int outbound)
{
	if (!sk) {
		store__empty(e);
		return;
	}
	__u16 fam = READ_KERN(sk, __sk_common.skc_family);
	__u8 *d = &e->buf[e->pos & KES_EV_MASK];
	if (fam == L_AF_INET) {
		__u32 la = READ_KERN(sk, __sk_common.skc_rcv_saddr);
		__u32 ra = READ_KERN(sk, __sk_common.skc_daddr);
		__u16 lp = READ_KERN(sk, __sk_common.skc_num);
		__u16 rp = kes_ntohs(READ_KERN(sk, __sk_common.skc_dport));
		d[0] = L_AF_INET;
		if (outbound) {
			__builtin_memcpy(d + 1, &la, 4); __builtin_memcpy(d + 5, &lp, 2);
			__builtin_memcpy(d + 7, &ra, 4); __builtin_memcpy(d + 11, &rp, 2);
		} else {
			__builtin_memcpy(d + 1, &ra, 4); __builtin_memcpy(d + 5, &rp, 2);
			__builtin_memcpy(d + 7, &la, 4); __builtin_memcpy(d + 11, &lp, 2);
		}
		store__len(e, 13);
	} else if (fam == L_AF_INET6) {
		__u16 lp = READ_KERN(sk, __sk_common.skc_num);
		__u16 rp = kes_ntohs(READ_KERN(sk, __sk_common.skc_dport));
		d[0] = L_AF_INET6;
		struct in6_addr la, ra;
		BPF_CORE_READ_INTO(&la, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&ra, sk, __sk_common.skc_v6_daddr);
		if (outbound) {
			__builtin_memcpy(d + 1, &la, 16); __builtin_memcpy(d + 17, &lp, 2);
			__builtin_memcpy(d + 19, &ra, 16); __builtin_memcpy(d + 35, &rp, 2);
		} else {
			__builtin_memcpy(d + 1, &ra, 16); __builtin_memcpy(d + 17, &rp, 2);
			__builtin_memcpy(d + 19, &la, 16); __builtin_memcpy(d + 35, &lp, 2);
		}
		store__len(e, 37);
	} else if (fam == L_AF_UNIX) {
		struct unix_sock *us = (struct unix_sock *)sk;
		struct sock *peer = READ_KERN(us, peer);
		__u64 a = (__u64)sk, b = (__u64)peer;
		d[0] = L_AF_UNIX;
		if (outbound) {
			__builtin_memcpy(d + 1, &b, 8); __builtin_memcpy(d + 9, &a, 8);
		} else {
			__builtin_memcpy(d + 1, &a, 8); __builtin_memcpy(d + 9, &b, 8);
		}
		/* path: the bound name of the peer (or ours when unconnected) */
		struct unix_address *ua = READ_KERN((struct unix_sock *)(peer ? peer : sk), addr);
		long n = -1;
		if (ua) {
			struct sockaddr_un *sun = (struct sockaddr_un *)((char *)ua + bpf_core_field_offset(struct unix_address, name));
			n = bpf_probe_read_kernel_str(&e->buf[(e->pos + 17) & KES_EV_MASK], 108, &sun->sun_path);
		}
		if (n <= 0) {
			d[17] = 0;
			n = 1;
		}
		store__len(e, 17 + n);
	} else {
		store__empty(e);
	}
}

/* SOCKTUPLE of an IP socket with no peer (unconnected UDP) whose peer is the user sockaddr
 * `ua` (sendto's dest_addr, recvfrom's src_addr as written back): our bound end and that
 * address. Connected sockets and everything else keep the socket's own tuple. */
static __always_inline void store__socktuple_addr(struct kes_ev *e, struct sock *sk, const void *ua, __u64 alen, int outbound)
{
	__u16 fam = sk ? READ_KERN(sk, __sk_common.skc_family) : 0;
	__u16 ufam = 0;
	if (!sk || !ua || alen < 2 || (fam != L_AF_INET && fam != L_AF_INET6) ||
	    READ_KERN(sk, __sk_common.skc_dport) != 0 || bpf_probe_read_user(&ufam, 2, ua) < 0 || ufam != fam) {
		store__socktuple(e, sk, outbound);
		return;
	}
	__u8 *d = &e->buf[e->pos & KES_EV_MASK];
	__u16 lp = READ_KERN(sk, __sk_common.skc_num);
	d[0] = (__u8)fam;
	if (fam == L_AF_INET) {
		struct sockaddr_in sin = {};
		bpf_probe_read_user(&sin, sizeof(sin), ua);
		__u32 la = READ_KERN(sk, __sk_common.skc_rcv_saddr);
		__u16 rp = kes_ntohs(sin.sin_port);
		int l = outbound ? 1 : 7, r = outbound ? 7 : 1;
		__builtin_memcpy(d + l, &la, 4); __builtin_memcpy(d + l + 4, &lp, 2);
		__builtin_memcpy(d + r, &sin.sin_addr.s_addr, 4); __builtin_memcpy(d + r + 4, &rp, 2);
		store__len(e, 13);
	} else {
		struct sockaddr_in6 sin6 = {};
		bpf_probe_read_user(&sin6, sizeof(sin6), ua);
		struct in6_addr la;
		BPF_CORE_READ_INTO(&la, sk, __sk_common.skc_v6_rcv_saddr);
		__u16 rp = kes_ntohs(sin6.sin6_port);
		int l = outbound ? 1 : 19, r = outbound ? 19 : 1;
		__builtin_memcpy(d + l, &la, 16); __builtin_memcpy(d + l + 16, &lp, 2);
		__builtin_memcpy(d + r, &sin6.sin6_addr, 16); __builtin_memcpy(d + r + 16, &rp, 2);
		store__len(e, 37);
	}
}

#endif
