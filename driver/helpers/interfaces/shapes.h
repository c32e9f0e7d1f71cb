/* Interface layer: fill functions for event layouts that several syscalls share (unlink,
 * rmdir, chdir, chroot and umount are all "res, path"; read and write, pread and pwrite, kill
 * and tkill, the setuid/setresuid/setreuid pairs, the clone family, ...). A program file
 * whose syscall has a layout of its own keeps its fill function; one that shares a layout
 * instantiates KES_EXIT_PROG with the shape from here. */
#ifndef KES_INTERFACES_SHAPES_H
#define KES_INTERFACES_SHAPES_H

#include "helpers/interfaces/fill.h"

/* res + one path argument */
static __always_inline void fill_res_path0(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__user_str(e, UPTR(0), KES_PATH_MAX);
}

/* res + two paths (rename, link) */
static __always_inline void fill_res_path01(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__user_str(e, UPTR(0), KES_PATH_MAX);
	store__user_str(e, UPTR(1), KES_PATH_MAX);
}

static __always_inline void fill_renameat(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__at_path(e, r, 0);    /* olddirfd, oldpath */
	store__at_path(e, r, 2);    /* newdirfd, newpath */
}

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

static __always_inline void fill_dup2(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                 /* res */
	store__s64(e, FDARG(0));            /* oldfd */
	store__s64(e, FDARG(1));            /* newfd */
}

static __always_inline void fill_pipe(struct kes_ev *e, struct pt_regs *r, long ret)
{
	int fds[2] = {-1, -1};
	if (ret == 0)
		bpf_probe_read_user(fds, sizeof(fds), UPTR(0));
	store__s64(e, ret);
	store__s64(e, fds[0]);
	store__s64(e, fds[1]);
	__u32 dev;
	__u64 ino;
	extract__file_dev_ino(ret == 0 ? extract__fd_file(extract__task(), fds[0]) : NULL, &dev, &ino);
	store__u64(e, ino);
}

static __always_inline void fill_rw(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                                             /* res */
	store__user_bytes(e, UPTR(1), ret > 0 ? ret : 0, kes_snaplen);  /* data */
	store__s64(e, FDARG(0));                                        /* fd */
	store__u32(e, ARG(2));                                          /* size */
}

static __always_inline void fill_setuid(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__u32(e, ARG(0));
}

static __always_inline void fill_setres(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__u32(e, ARG(0));
	store__u32(e, ARG(1));
	store__u32(e, ARG(2));
}

static __always_inline void fill_kill(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);               /* res */
	store__s64(e, (__s32)ARG(0));     /* pid */
	store__u8(e, ARG(1));             /* sig */
}

static __always_inline void fill_prw(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                                             /* res */
	store__user_bytes(e, UPTR(1), ret > 0 ? ret : 0, kes_snaplen);  /* data */
	store__s64(e, FDARG(0));                                        /* fd */
	store__u32(e, ARG(2));                                          /* size */
	store__u64(e, ARG(3));                                          /* pos */
}

static __always_inline void fill_clone_common(struct kes_ev *e, long ret, __u64 lflags)
{
	struct task_struct *t = extract__task();
	/* Parameters 1-15: res .. cgroups */
	store__proc_head(e, t, ret);
	/* Parameter 16: flags (FLAGS32, PPM_CL_*) */
	store__u32(e, flags__clone(lflags));
	/* Parameters 17, 18: uid, gid (effective) */
	store__u32(e, extract__euid(t));
	store__u32(e, extract__egid(t));
	/* Parameters 19, 20: vtid, vpid */
	store__s64(e, extract__vtid(t));
	store__s64(e, extract__vpid(t));
	/* Parameter 21: pidns_init_start_ts (UINT64): start of the pid namespace's init */
	store__u64(e, extract__pidns_init_start(t));
}

static __always_inline void fill_chown(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                         /* Parameter 1: res (ERRNO) */
	store__user_str(e, UPTR(0), KES_PATH_MAX);  /* Parameter 2: path (FSPATH) */
	store__u32(e, ARG(1));                      /* Parameter 3: uid (UINT32) */
	store__u32(e, ARG(2));                      /* Parameter 4: gid (UINT32) */
}

static __always_inline void fill_setre(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);             /* Parameter 1: res (ERRNO) */
	store__u32(e, ARG(0));          /* Parameter 2: ruid / rgid (UID) */
	store__u32(e, ARG(1));          /* Parameter 3: euid / egid (UID) */
}

/* res, dirfd, path, mode (permission bits): mkdirat, fchmodat. */
static __always_inline void fill_at_path_mode(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__at_path(e, r, 0);
	store__u32(e, ARG(2) & 07777);
}

/* signalfd, signalfd4: res, fd, the first word of the mask, flags. */
static __always_inline void store__signalfd(struct kes_ev *e, struct pt_regs *r, long ret, __u8 flags)
{
	__u32 mask = 0;
	bpf_probe_read_user(&mask, 4, UPTR(1));
	store__s64(e, ret);
	store__s64(e, FDARG(0));
	store__u32(e, mask);
	store__u8(e, flags);
}

#endif
