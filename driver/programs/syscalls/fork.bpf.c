/* fork(2) → SYSCALL_FORK_20_X (res, exe, args, tid, pid, ptid, cwd, fdlimit, pgft_maj, pgft_min,
 * vm_size, vm_rss, vm_swap, comm, cgroups, flags, uid, gid, vtid, vpid, pidns_init_start_ts). */
static __always_inline void fill_fork(struct kes_ev *e, struct pt_regs *r, long ret)
{
	fill_clone_common(e, ret, 0); /* Parameters 1-21 (res .. pidns_init_start_ts) */
}

KES_EXIT_PROG(fork, KES_SYSCALL_FORK_20_X, KES_SYSCALL_FORK_20_X_NPARAMS_ALL, KES_CAT_PROCESS, fill_fork)
