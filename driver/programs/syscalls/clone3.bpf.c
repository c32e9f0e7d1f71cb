/* clone3(2) → SYSCALL_CLONE3_X (res, exe, args, tid, pid, ptid, cwd, fdlimit, pgft_maj,
 * pgft_min, vm_size, vm_rss, vm_swap, comm, cgroups, flags, uid, gid, vtid, vpid,
 * pidns_init_start_ts). */
static __always_inline void fill_clone3(struct kes_ev *e, struct pt_regs *r, long ret)
{
	__u64 flags = 0;
	bpf_probe_read_user(&flags, sizeof(flags), UPTR(0)); /* clone_args.flags */
	fill_clone_common(e, ret, flags); /* Parameters 1-21 (res .. pidns_init_start_ts) */
}

KES_EXIT_PROG(clone3, KES_SYSCALL_CLONE3_X, KES_SYSCALL_CLONE3_X_NPARAMS_ALL, KES_CAT_PROCESS, fill_clone3)
