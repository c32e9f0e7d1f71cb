/* execveat(2) → SYSCALL_EXECVEAT_X: as execve, plus dirfd and flags in the stash. A successful
 * execveat exits through sys_exit_execve (see exec__exit). */
SEC("tracepoint/syscalls/sys_enter_execveat")
int e_execveat(struct trace_event_raw_sys_enter *ctx)
{
	return exec__stash((const char *)ctx->args[1], ctx->args[0], ctx->args[4], 1);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int x_execveat(struct trace_event_raw_sys_exit *ctx)
{
	return exec__exit(ctx->ret, KES_SYSCALL_EXECVEAT_X, KES_SYSCALL_EXECVEAT_X_NPARAMS_ALL);
}
