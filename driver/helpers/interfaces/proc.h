/* Interface layer: the process-description parameters shared by execve and clone-family exit
 * events (2022 table: res, exe, args, tid, pid, ptid, cwd, fdlimit, pgft_maj, pgft_min,
 * vm_size, vm_rss, vm_swap, comm, cgroups). */
#ifndef KES_INTERFACES_PROC_H
#define KES_INTERFACES_PROC_H

#include "helpers/base/flags.h"
#include "helpers/extract/path.h"

/* argv[0] as exe and the rest of the argument area (NUL-separated) as args. */
static __always_inline void store__exe_args(struct kes_ev *e, struct task_struct *t)
{
	struct mm_struct *mm = READ_KERN(t, mm);
	unsigned long as = mm ? READ_KERN(mm, arg_start) : 0;
	unsigned long ae = mm ? READ_KERN(mm, arg_end) : 0;
	if (!as || ae <= as) {
		store__empty(e);
		store__empty(e);
		return;
	}
	__u32 p0 = e->pos;
	long n = bpf_probe_read_user_str(&e->buf[p0 & KES_EV_MASK], KES_PATH_MAX, (void *)as);
	if (n < 0)
		n = 0;
	store__len(e, n);
	__u64 rest = ae - as;
	rest = rest > (__u64)n ? rest - n : 0;
	store__user_bytes(e, (void *)(as + n), rest, KES_ARGS_MAX);
}

static __always_inline void store__env(struct kes_ev *e, struct task_struct *t)
{
	struct mm_struct *mm = READ_KERN(t, mm);
	if (!kes_capture_env || !mm) {
		store__empty(e);
		return;
	}
	unsigned long es = READ_KERN(mm, env_start);
	unsigned long ee = READ_KERN(mm, env_end);
	store__user_bytes(e, (void *)es, ee > es ? ee - es : 0, KES_ARGS_MAX);
}

/* Parameters 0..14 of execve_19_x / clone_20_x (res through cgroups). */
static __always_inline void store__proc_head(struct kes_ev *e, struct task_struct *t, long res)
{
	/* Parameter 1: res (ERRNO / PID) */
	store__s64(e, res);
	/* Parameters 2, 3: exe (CHARBUF), args (BYTEBUF) */
	store__exe_args(e, t);
	/* Parameters 4, 5, 6: tid, pid, ptid (PID) */
	store__s64(e, READ_KERN(t, pid));
	store__s64(e, READ_KERN(t, tgid));
	store__s64(e, extract__ptid(t));
	/* Parameter 7: cwd (CHARBUF) */
	store__cwd(e, t);
	/* Parameter 8: fdlimit (UINT64 / INT64) */
	store__u64(e, extract__fdlimit(t));
	/* Parameters 9, 10: pgft_maj, pgft_min (UINT64) */
	store__u64(e, READ_KERN(t, maj_flt));
	store__u64(e, READ_KERN(t, min_flt));
	/* Parameters 11, 12, 13: vm_size, vm_rss, vm_swap (UINT32, KiB) */
	struct kes_vm vm;
	extract__vm(t, &vm);
	store__u32(e, vm.size_kb);
	store__u32(e, vm.rss_kb);
	store__u32(e, vm.swap_kb);
	/* Parameter 14: comm (CHARBUF) */
	store__kernel_str(e, &t->comm, 16);
	/* Parameter 15: cgroups (BYTEBUF) */
	store__cgroups(e, t);
}

#endif
