/* vfork(2) → SYSCALL_VFORK_20_X (res, exe, args, tid, pid, ptid, cwd, fdlimit, pgft_maj,
 * pgft_min, vm_size, vm_rss, vm_swap, comm, cgroups, flags, uid, gid, vtid, vpid,
 * pidns_init_start_ts). */
static __always_inline void fill_vfork(struct kes_ev *e, struct pt_regs *r, long ret)
{
	fill_clone_common(e, ret, 0x00004000 | 0x00000100); /* Parameters 1-21, flags = CLONE_VFORK | CLONE_VM */
}

KES_EXIT_PROG(vfork, KES_SYSCALL_VFORK_20_X, KES_SYSCALL_VFORK_20_X_NPARAMS_ALL, KES_CAT_PROCESS, fill_vfork)
