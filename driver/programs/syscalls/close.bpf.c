/* close(2) → PPME_SYSCALL_CLOSE_X (+ appended fd). */
SEC("tracepoint/syscalls/sys_exit_close")
int x_close(struct trace_event_raw_sys_exit *ctx)
{
	if (extract__skip())
		return 0;
	struct kes_ev e;
	if (!store__begin(&e, KES_SYSCALL_CLOSE_X, KES_SYSCALL_CLOSE_X_NPARAMS_ALL, KES_CAT_FILE))
		return 0;
	struct pt_regs *r = extract__regs();
	/* Parameter 1: res (ERRNO) */
	store__s64(&e, ctx->ret);
	/* Parameter 2: fd (FD) */
	store__s64(&e, (__s32)extract__arg(r, 0));
	store__submit(&e);
	return 0;
}
