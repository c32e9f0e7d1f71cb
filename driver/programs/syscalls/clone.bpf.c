/* Process creation: clone, clone3, fork, vfork (exit in parent, res = child tid, and in the
 * child, res = 0: the child returns through the same syscall exit), and execveat. The child's
 * user registers are a copy of the parent's, so it reads the same arguments. */

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

static __always_inline void fill_clone(struct kes_ev *e, struct pt_regs *r, long ret)
{
	fill_clone_common(e, ret, ARG(0));
}
static __always_inline void fill_fork(struct kes_ev *e, struct pt_regs *r, long ret)
{
	fill_clone_common(e, ret, 0);
}
static __always_inline void fill_vfork(struct kes_ev *e, struct pt_regs *r, long ret)
{
	fill_clone_common(e, ret, 0x00004000 | 0x00000100); /* CLONE_VFORK | CLONE_VM */
}
static __always_inline void fill_clone3(struct kes_ev *e, struct pt_regs *r, long ret)
{
	__u64 flags = 0;
	bpf_probe_read_user(&flags, sizeof(flags), UPTR(0)); /* clone_args.flags */
	fill_clone_common(e, ret, flags);
}
KES_EXIT_PROG(clone, KES_SYSCALL_CLONE_20_X, KES_SYSCALL_CLONE_20_X_NPARAMS_ALL, KES_CAT_PROCESS, fill_clone)
KES_EXIT_PROG(fork, KES_SYSCALL_FORK_20_X, KES_SYSCALL_FORK_20_X_NPARAMS_ALL, KES_CAT_PROCESS, fill_fork)
KES_EXIT_PROG(vfork, KES_SYSCALL_VFORK_20_X, KES_SYSCALL_VFORK_20_X_NPARAMS_ALL, KES_CAT_PROCESS, fill_vfork)
KES_EXIT_PROG(clone3, KES_SYSCALL_CLONE3_X, KES_SYSCALL_CLONE3_X_NPARAMS_ALL, KES_CAT_PROCESS, fill_clone3)

SEC("tracepoint/syscalls/sys_exit_execveat")
int x_execveat(struct trace_event_raw_sys_exit *ctx)
{
	return exec__exit(ctx->ret, KES_SYSCALL_EXECVEAT_X, KES_SYSCALL_EXECVEAT_X_NPARAMS_ALL);
}
