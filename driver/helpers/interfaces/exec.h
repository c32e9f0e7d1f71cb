/* Interface layer: the execve/execveat exit event (PPME_SYSCALL_EXECVE_19_X / EXECVEAT_X, 2022
 * parameters plus the appended caps, exe inode, uid/gid, trusted exe path, filename) and the
 * enter-side stash of the filename: once an exec succeeded, the old memory that held it is
 * gone. Both syscalls' programs (programs/syscalls/execve(at).bpf.c) are thin wrappers. */
#ifndef KES_INTERFACES_EXEC_H
#define KES_INTERFACES_EXEC_H

#include "helpers/interfaces/proc.h"

static __always_inline int exec__stash(const char *path, __u64 dirfd, __u64 flags, __u64 is_at)
{
	if (extract__skip())
		return 0;
	__u32 cpu = bpf_get_smp_processor_id();
	struct kes_scratch *s = bpf_map_lookup_elem(&kes_scratch_map, &cpu);
	if (!s)
		return 0;
	struct kes_exec_stash *st = (struct kes_exec_stash *)s->tmp;
	st->dirfd = dirfd;
	st->flags = flags;
	st->is_at = is_at;
	if (bpf_probe_read_user_str(st->path, sizeof(st->path), path) < 0)
		st->path[0] = 0;
	__u64 key = bpf_get_current_pid_tgid();
	bpf_map_update_elem(&kes_exec_stash_map, &key, st, BPF_ANY);
	return 0;
}

/* PPM_EXE_* bits of the current table; 2022 readers know only WRITABLE. */
#define KES_EXE_WRITABLE 1
#define KES_EXE_UPPER_LAYER 2
#define KES_EXE_FROM_MEMFD 4
#define KES_EXE_LOWER_LAYER 8

static __always_inline __u32 exec__flags(struct task_struct *t, struct inode *i, struct file *exe)
{
	__u32 fl = 0;
	if (i) {
		__u32 euid = extract__euid(t), egid = extract__egid(t);
		__u16 mode = READ_KERN(i, i_mode);
		__u32 uid = READ_KERN(i, i_uid.val), gid = READ_KERN(i, i_gid.val);
		/* Root (CAP_DAC_OVERRIDE) can write any file, as the 2022 driver's inode_permission
		 * check also concluded. */
		if (euid == 0 || (mode & 02) || (uid == euid && (mode & 0200)) || (gid == egid && (mode & 020)))
			fl |= KES_EXE_WRITABLE;
	}
	if (exe) {
		char name[8] = {};
		bpf_probe_read_kernel_str(name, sizeof(name), READ_KERN(exe, f_path.dentry, d_name.name));
		if (name[0] == 'm' && name[1] == 'e' && name[2] == 'm' && name[3] == 'f' && name[4] == 'd' && name[5] == ':')
			fl |= KES_EXE_FROM_MEMFD;
		__u32 layer = extract__ovl_layer(exe);
		if (layer == KES_OVL_UPPER)
			fl |= KES_EXE_UPPER_LAYER;
		else if (layer == KES_OVL_LOWER)
			fl |= KES_EXE_LOWER_LAYER;
	}
	return fl;
}

static __always_inline __u64 exec__inode_time(struct inode *i, int ctime)
{
	if (!i)
		return 0;
	if (bpf_core_field_exists(i->i_ctime_sec)) {
		if (ctime)
			return READ_KERN(i, i_ctime_sec) * 1000000000ull + READ_KERN(i, i_ctime_nsec);
		return READ_KERN(i, i_mtime_sec) * 1000000000ull + READ_KERN(i, i_mtime_nsec);
	}
	return 0;
}

static __always_inline int exec__exit(long ret, __u32 type, __u32 nparams)
{
	if (extract__skip())
		return 0;
	__u64 key = bpf_get_current_pid_tgid();
	/* A successful execveat exits through sys_exit_execve (the syscall number seen at exit
	 * is execve's): the stash says which call it really was. Both layouts have 31 params. */
	struct kes_exec_stash *st0 = bpf_map_lookup_elem(&kes_exec_stash_map, &key);
	if (st0 && st0->is_at) {
		type = KES_SYSCALL_EXECVEAT_X;
		nparams = KES_SYSCALL_EXECVEAT_X_NPARAMS_ALL;
	}
	struct kes_ev e;
	if (!store__begin(&e, type, nparams, KES_CAT_PROCESS))
		return 0;
	struct task_struct *t = extract__task();

	/* =============================== COLLECT PARAMETERS =========================== */
	/* Parameters 1-15: res .. cgroups */
	store__proc_head(&e, t, ret);
	/* Parameter 16: env (BYTEBUF) */
	store__env(&e, t);
	/* Parameter 17: tty (INT32) */
	store__u32(&e, extract__tty(t));
	/* Parameter 18: pgid (PID) */
	store__s64(&e, extract__pgid(t));
	/* Parameter 19: loginuid (INT32) */
	store__u32(&e, extract__loginuid(t));
	/* Parameter 20: flags (FLAGS32) */
	struct file *exe = READ_KERN(t, mm, exe_file);
	struct inode *ino = exe ? READ_KERN(exe, f_inode) : NULL;
	store__u32(&e, exec__flags(t, ino, exe));
	/* Parameters 21-23: cap_inheritable, cap_permitted, cap_effective (UINT64) */
	const struct cred *cred = READ_KERN(t, cred);
	store__u64(&e, extract__cap(&cred->cap_inheritable));
	store__u64(&e, extract__cap(&cred->cap_permitted));
	store__u64(&e, extract__cap(&cred->cap_effective));
	/* Parameters 24-26: exe_ino (UINT64), exe_ino_ctime, exe_ino_mtime (ABSTIME) */
	store__u64(&e, ino ? READ_KERN(ino, i_ino) : 0);
	store__u64(&e, exec__inode_time(ino, 1));
	store__u64(&e, exec__inode_time(ino, 0));
	/* Parameter 27: uid (UID) */
	store__u32(&e, extract__euid(t));
	/* Parameter 28: trusted_exepath (FSPATH) */
	if (exe)
		store__kpath(&e, &exe->f_path);
	else
		store__empty(&e);
	/* Parameter 29: pgid (PID) */
	store__s64(&e, extract__pgid(t));
	/* Parameter 30: gid (GID) */
	store__u32(&e, extract__egid(t));
	/* Parameter 31: filename (FSPATH), from the enter stash (execve only: execveat's
	 * table ends at gid) */
	struct kes_exec_stash *st = bpf_map_lookup_elem(&kes_exec_stash_map, &key);
	if (type != KES_SYSCALL_EXECVEAT_X) {
		if (st)
			store__kernel_str(&e, st->path, KES_PATH_MAX);
		else
			store__empty(&e);
	}
	if (st)
		bpf_map_delete_elem(&kes_exec_stash_map, &key);
	store__submit(&e);
	return 0;
}

#endif
