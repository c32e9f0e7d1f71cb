/* Extract layer: values read from the current task and its syscall registers. */
#ifndef KES_EXTRACT_TASK_H
#define KES_EXTRACT_TASK_H

#include "helpers/store/event.h"

/* ======================= SYSCALL ARGUMENTS ============================================ */

/* The user registers saved at syscall entry. Exit programs read their arguments here instead
 * of stashing them at enter: the kernel does not modify them during the syscall (except
 * execve, which resets them, hence kes_exec_stash_map). This saves an enter program, a map
 * update and a map delete per syscall. */
static __always_inline struct pt_regs *extract__regs(void)
{
	return (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
}

static __always_inline unsigned long extract__arg(struct pt_regs *r, int i)
{
	switch (i) {
	case 0: return PT_REGS_PARM1_CORE_SYSCALL(r);
	case 1: return PT_REGS_PARM2_CORE_SYSCALL(r);
	case 2: return PT_REGS_PARM3_CORE_SYSCALL(r);
	case 3: return PT_REGS_PARM4_CORE_SYSCALL(r);
	case 4: return PT_REGS_PARM5_CORE_SYSCALL(r);
	default: return BPF_CORE_READ(r, r9); /* x86-64: 6th syscall argument */
	}
}

/* ======================= FILTER ======================================================= */

/* True when the event must not be captured (kestrel's own process). */
static __always_inline int extract__skip(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	return kes_self_tgid != 0 && tgid == kes_self_tgid;
}

/* ======================= IDS ========================================================== */

static __always_inline struct task_struct *extract__task(void)
{
	return (struct task_struct *)bpf_get_current_task();
}

/* pid number as seen from the task's own pid namespace (vtid/vpid). */
static __always_inline __s64 extract__ns_nr(struct pid *pid)
{
	if (!pid)
		return 0;
	unsigned int level = READ_KERN(pid, level);
	struct upid up;
	if (bpf_probe_read_kernel(&up, sizeof(up), &pid->numbers[level & 31]) < 0)
		return 0;
	return up.nr;
}

static __always_inline __s64 extract__vtid(struct task_struct *t)
{
	return extract__ns_nr(READ_KERN(t, thread_pid));
}

static __always_inline __s64 extract__vpid(struct task_struct *t)
{
	struct task_struct *leader = READ_KERN(t, group_leader);
	return extract__ns_nr(READ_KERN(leader, thread_pid));
}

/* Process group id and session id in the initial namespace. */
static __always_inline __s64 extract__pgid(struct task_struct *t)
{
	struct pid *p = READ_KERN(t, signal, pids[PIDTYPE_PGID]);
	return p ? READ_KERN(p, numbers[0].nr) : 0;
}

static __always_inline __s64 extract__ptid(struct task_struct *t)
{
	return READ_KERN(t, real_parent, tgid);
}

/* ======================= CREDENTIALS ================================================== */

static __always_inline __u32 extract__euid(struct task_struct *t)
{
	return READ_KERN(t, cred, euid.val);
}
static __always_inline __u32 extract__egid(struct task_struct *t)
{
	return READ_KERN(t, cred, egid.val);
}
static __always_inline __u32 extract__loginuid(struct task_struct *t)
{
	return READ_KERN(t, loginuid.val);
}

/* kernel_cap_t is a u64 since 6.3 and a u32[2] before; both are the same 8 little-endian
 * bytes, so read it raw. */
static __always_inline __u64 extract__cap(const kernel_cap_t *c)
{
	__u64 v = 0;
	bpf_probe_read_kernel(&v, sizeof(v), c);
	return v;
}

/* ======================= LIMITS, MEMORY, TTY ========================================== */

static __always_inline __u64 extract__fdlimit(struct task_struct *t)
{
	return READ_KERN(t, signal, rlim[KES_RLIMIT_NOFILE].rlim_cur);
}

/* tty number as in /proc/<pid>/stat (major/minor encoded like new_encode_dev). */
static __always_inline __u32 extract__tty(struct task_struct *t)
{
	struct tty_struct *tty = READ_KERN(t, signal, tty);
	if (!tty)
		return 0;
	int index = READ_KERN(tty, index);
	int major = READ_KERN(tty, driver, major);
	int minor = READ_KERN(tty, driver, minor_start) + index;
	return (minor & 0xff) | ((__u32)major << 8) | ((__u32)(minor & ~0xff) << 12);
}

static __always_inline __u64 extract__mm_counter(struct mm_struct *mm, int i)
{
	struct percpu_counter c;
	if (bpf_probe_read_kernel(&c, sizeof(c), &mm->rss_stat[i & 3]) < 0)
		return 0;
	return c.count > 0 ? c.count : 0;
}

struct kes_vm {
	__u32 size_kb;
	__u32 rss_kb;
	__u32 swap_kb;
};

static __always_inline void extract__vm(struct task_struct *t, struct kes_vm *vm)
{
	struct mm_struct *mm = READ_KERN(t, mm);
	vm->size_kb = vm->rss_kb = vm->swap_kb = 0;
	if (!mm)
		return;
	__u64 pages = READ_KERN(mm, total_vm);
	vm->size_kb = pages << 2; /* 4 KiB pages */
	__u64 rss = extract__mm_counter(mm, MM_FILEPAGES) + extract__mm_counter(mm, MM_ANONPAGES) +
		    extract__mm_counter(mm, MM_SHMEMPAGES);
	vm->rss_kb = rss << 2;
	vm->swap_kb = extract__mm_counter(mm, MM_SWAPENTS) << 2;
}

/* ======================= PID NAMESPACE, REAPER ======================================== */

/* The pid namespace a task lives in (the one at its own pid's level). */
static __always_inline struct pid_namespace *extract__pidns(struct task_struct *t)
{
	struct pid *p = READ_KERN(t, thread_pid);
	if (!p)
		return NULL;
	unsigned int level = READ_KERN(p, level);
	struct upid up;
	if (bpf_probe_read_kernel(&up, sizeof(up), &p->numbers[level & 31]) < 0)
		return NULL;
	return up.ns;
}

/* Start time (ns since the epoch) of the init process of the task's pid namespace: the boot
 * based start time /proc/<pid>/stat also counts from, plus the boot epoch. */
static __always_inline __u64 extract__pidns_init_start(struct task_struct *t)
{
	struct pid_namespace *ns = extract__pidns(t);
	struct task_struct *init = ns ? READ_KERN(ns, child_reaper) : NULL;
	if (!init)
		return 0;
	return READ_KERN(init, start_boottime) + kes_boot_epoch_ns;
}

#define KES_PF_EXITING 0x4
#define KES_MAX_THREAD_WALK 16
#define KES_MAX_PARENT_WALK 16

/* A thread of t's process that is not exiting (the kernel's find_alive_thread), or 0. */
static __always_inline __s64 extract__alive_thread(struct task_struct *t)
{
	struct signal_struct *sig = READ_KERN(t, signal);
	if (!sig)
		return 0;
	struct list_head *head = &sig->thread_head;
	struct list_head *pos = READ_KERN(sig, thread_head.next);
	for (int i = 0; i < KES_MAX_THREAD_WALK; i++) {
		if (!pos || pos == head)
			break;
		struct task_struct *th = (struct task_struct *)((char *)pos - bpf_core_field_offset(struct task_struct, thread_node));
		if (!(READ_KERN(th, flags) & KES_PF_EXITING))
			return READ_KERN(th, pid);
		pos = READ_KERN(th, thread_node.next);
	}
	return 0;
}

/* Who inherits the children of an exiting thread (the kernel's find_new_reaper): 0 when it
 * has none; else a live thread of its own process; else, when an ancestor asked to be a
 * child subreaper (PR_SET_CHILD_SUBREAPER), the closest one below the namespace's init; else
 * the init of its pid namespace. Walks are bounded (16 threads, 16 ancestors). */
static __always_inline __s64 extract__reaper_tid(struct task_struct *t)
{
	struct list_head *kids = &t->children;
	if (READ_KERN(t, children.next) == kids)
		return 0;
	__s64 alive = extract__alive_thread(t);
	if (alive)
		return alive;
	struct pid_namespace *ns = extract__pidns(t);
	struct task_struct *init = ns ? READ_KERN(ns, child_reaper) : NULL;
	struct signal_struct *sig = READ_KERN(t, signal);
	if (sig && BPF_CORE_READ_BITFIELD_PROBED(sig, has_child_subreaper)) {
		struct task_struct *r = t;
		for (int i = 0; i < KES_MAX_PARENT_WALK; i++) {
			r = READ_KERN(r, real_parent);
			if (!r || r == init || READ_KERN(r, pid) == 0)
				break;
			struct signal_struct *rs = READ_KERN(r, signal);
			if (!rs || !BPF_CORE_READ_BITFIELD_PROBED(rs, is_child_subreaper))
				continue;
			alive = extract__alive_thread(r);
			if (alive)
				return alive;
		}
	}
	return init ? READ_KERN(init, pid) : 0;
}

#endif
