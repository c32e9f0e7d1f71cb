/* execve(2) → SYSCALL_EXECVE_19_X: the enter program stashes the filename, the exit program
 * writes the event (helpers/interfaces/exec.h). */
SEC("tracepoint/syscalls/sys_enter_execve")
int e_execve(struct trace_event_raw_sys_enter *ctx)
{
	return exec__stash((const char *)ctx->args[0], (__u64)-100, 0, 0);
}

SEC("tracepoint/syscalls/sys_exit_execve")
int x_execve(struct trace_event_raw_sys_exit *ctx)
{
	return exec__exit(ctx->ret, KES_SYSCALL_EXECVE_19_X, KES_SYSCALL_EXECVE_19_X_NPARAMS_ALL);
}
