/* Linux flag values → PPM_* wire values (the generated KES_* defines). Pure functions. */
#ifndef KES_FLAGS_H
#define KES_FLAGS_H

#include "helpers/base/common.h"

/* Linux x86/generic open(2) flag bits (octal, as in the uapi headers). */
#define L_O_WRONLY 01
#define L_O_RDWR 02
#define L_O_CREAT 0100
#define L_O_EXCL 0200
#define L_O_TRUNC 01000
#define L_O_APPEND 02000
#define L_O_NONBLOCK 04000
#define L_O_DSYNC 010000
#define L_O_DIRECT 040000
#define L_O_LARGEFILE 0100000
#define L_O_DIRECTORY 0200000
#define L_O_CLOEXEC 02000000
#define L_O_SYNC 04010000
#define L_O_TMPFILE 020000000

static __always_inline __u32 flags__open(__u64 f)
{
	__u32 r = 0;
	if ((f & 3) == 0)
		r |= KES_FILE_FLAGS_O_RDONLY;
	else if ((f & 3) == L_O_WRONLY)
		r |= KES_FILE_FLAGS_O_WRONLY;
	else if ((f & 3) == L_O_RDWR)
		r |= KES_FILE_FLAGS_O_RDWR;
	if (f & L_O_CREAT) r |= KES_FILE_FLAGS_O_CREAT;
	if (f & L_O_APPEND) r |= KES_FILE_FLAGS_O_APPEND;
	if (f & L_O_DSYNC) r |= KES_FILE_FLAGS_O_DSYNC;
	if (f & L_O_EXCL) r |= KES_FILE_FLAGS_O_EXCL;
	if (f & L_O_NONBLOCK) r |= KES_FILE_FLAGS_O_NONBLOCK;
	if ((f & L_O_SYNC) == L_O_SYNC) r |= KES_FILE_FLAGS_O_SYNC;
	if (f & L_O_TRUNC) r |= KES_FILE_FLAGS_O_TRUNC;
	if (f & L_O_DIRECT) r |= KES_FILE_FLAGS_O_DIRECT;
	if ((f & L_O_TMPFILE) == L_O_TMPFILE) r |= KES_FILE_FLAGS_O_TMPFILE;
	else if (f & L_O_DIRECTORY) r |= KES_FILE_FLAGS_O_DIRECTORY;
	if (f & L_O_LARGEFILE) r |= KES_FILE_FLAGS_O_LARGEFILE;
	if (f & L_O_CLOEXEC) r |= KES_FILE_FLAGS_O_CLOEXEC;
	return r;
}

/* The open mode is only meaningful with O_CREAT or O_TMPFILE; the 2022 driver writes 0
 * otherwise. PPM_S_* bits equal the Linux permission bits. */
static __always_inline __u32 flags__open_mode(__u64 f, __u64 mode)
{
	if ((f & L_O_CREAT) || (f & L_O_TMPFILE) == L_O_TMPFILE)
		return mode & 07777;
	return 0;
}

static __always_inline __u32 flags__clone(__u64 f)
{
	__u32 r = 0;
	if (f & 0x00000400) r |= KES_CLONE_FLAGS_CLONE_FILES;
	if (f & 0x00000200) r |= KES_CLONE_FLAGS_CLONE_FS;
	if (f & 0x80000000) r |= KES_CLONE_FLAGS_CLONE_IO;
	if (f & 0x08000000) r |= KES_CLONE_FLAGS_CLONE_NEWIPC;
	if (f & 0x40000000) r |= KES_CLONE_FLAGS_CLONE_NEWNET;
	if (f & 0x00020000) r |= KES_CLONE_FLAGS_CLONE_NEWNS;
	if (f & 0x20000000) r |= KES_CLONE_FLAGS_CLONE_NEWPID;
	if (f & 0x04000000) r |= KES_CLONE_FLAGS_CLONE_NEWUTS;
	if (f & 0x00008000) r |= KES_CLONE_FLAGS_CLONE_PARENT;
	if (f & 0x00100000) r |= KES_CLONE_FLAGS_CLONE_PARENT_SETTID;
	if (f & 0x00002000) r |= KES_CLONE_FLAGS_CLONE_PTRACE;
	if (f & 0x00000800) r |= KES_CLONE_FLAGS_CLONE_SIGHAND;
	if (f & 0x00040000) r |= KES_CLONE_FLAGS_CLONE_SYSVSEM;
	if (f & 0x00010000) r |= KES_CLONE_FLAGS_CLONE_THREAD;
	if (f & 0x00800000) r |= KES_CLONE_FLAGS_CLONE_UNTRACED;
	if (f & 0x00000100) r |= KES_CLONE_FLAGS_CLONE_VM;
	if (f & 0x10000000) r |= KES_CLONE_FLAGS_CLONE_NEWUSER;
	if (f & 0x00200000) r |= KES_CLONE_FLAGS_CLONE_CHILD_CLEARTID;
	if (f & 0x01000000) r |= KES_CLONE_FLAGS_CLONE_CHILD_SETTID;
	if (f & 0x00080000) r |= KES_CLONE_FLAGS_CLONE_SETTLS;
	if (f & 0x00004000) r |= KES_CLONE_FLAGS_CLONE_VFORK;
	if (f & 0x02000000) r |= KES_CLONE_FLAGS_CLONE_NEWCGROUP;
	return r;
}

/* PROT_* → PPM_PROT_*: READ/WRITE/EXEC/SEM keep their bits, GROWSDOWN/GROWSUP move down. */
static __always_inline __u32 flags__prot(__u64 p)
{
	__u32 r = p & 0xf;
	if (p & 0x01000000) r |= KES_PROT_FLAGS_PROT_GROWSDOWN;
	if (p & 0x02000000) r |= KES_PROT_FLAGS_PROT_GROWSUP;
	return r;
}

/* x86-64 MAP_* → PPM_MAP_* (MAP_FILE is 0 on Linux, so it never shows). */
static __always_inline __u32 flags__mmap(__u64 f)
{
	__u32 r = 0;
	if (f & 0x01) r |= KES_MMAP_FLAGS_MAP_SHARED;
	if (f & 0x02) r |= KES_MMAP_FLAGS_MAP_PRIVATE;
	if (f & 0x10) r |= KES_MMAP_FLAGS_MAP_FIXED;
	if (f & 0x20) r |= KES_MMAP_FLAGS_MAP_ANONYMOUS;
	if (f & 0x40) r |= KES_MMAP_FLAGS_MAP_32BIT;
	if (f & 0x100) r |= KES_MMAP_FLAGS_MAP_GROWSDOWN;
	if (f & 0x800) r |= KES_MMAP_FLAGS_MAP_DENYWRITE;
	if (f & 0x1000) r |= KES_MMAP_FLAGS_MAP_EXECUTABLE;
	if (f & 0x2000) r |= KES_MMAP_FLAGS_MAP_LOCKED;
	if (f & 0x4000) r |= KES_MMAP_FLAGS_MAP_NORESERVE;
	if (f & 0x8000) r |= KES_MMAP_FLAGS_MAP_POPULATE;
	if (f & 0x10000) r |= KES_MMAP_FLAGS_MAP_NONBLOCK;
	return r;
}

/* SOCK_NONBLOCK / SOCK_CLOEXEC (the O_* bits) in a socket type → PPM_O_* (file_flags). */
static __always_inline __u32 flags__sock_type(__u64 type)
{
	__u32 r = 0;
	if (type & L_O_NONBLOCK) r |= KES_FILE_FLAGS_O_NONBLOCK;
	if (type & L_O_CLOEXEC) r |= KES_FILE_FLAGS_O_CLOEXEC;
	return r;
}

#define L_SOL_SOCKET 1
#define L_SOL_TCP 6

static __always_inline __u8 flags__sockopt_level(__u64 level)
{
	if (level == L_SOL_SOCKET) return KES_SOCKOPT_LEVELS_SOL_SOCKET;
	if (level == L_SOL_TCP) return KES_SOCKOPT_LEVELS_SOL_TCP;
	return KES_SOCKOPT_LEVELS_UNKNOWN;
}

/* SOL_SOCKET options: PPM_SOCKOPT_SO_* equal the Linux numbers up to SO_ATTACH_BPF (50); the
 * three later ones the table knows are renumbered. Other levels are not decoded. */
static __always_inline __u8 flags__sockopt_name(__u64 level, __u64 name)
{
	if (level != L_SOL_SOCKET) return KES_SOCKOPT_OPTIONS_UNKNOWN;
	if (name >= 1 && name <= 50) return name;
	if (name == 55) return KES_SOCKOPT_OPTIONS_SO_MEMINFO;
	if (name == 57) return KES_SOCKOPT_OPTIONS_SO_COOKIE;
	if (name == 59) return KES_SOCKOPT_OPTIONS_SO_PEERGROUPS;
	return KES_SOCKOPT_OPTIONS_UNKNOWN;
}

/* IORING_SETUP_* → PPM_IORING_SETUP_*: PPM keeps bit 2 for SQ_NEED_WAKEUP, so the bits from
 * SQ_AFF on move up by one. Later Linux flags have no PPM bit. */
static __always_inline __u32 flags__io_uring_setup(__u64 f)
{
	return (f & 3) | ((f & 0x7c) << 1);
}

#endif
