/* open(2) → PPME_SYSCALL_OPEN_X (+ appended ino). */
SEC("tracepoint/syscalls/sys_exit_open")
int x_open(struct trace_event_raw_sys_exit *ctx)
{
	if (extract__skip())
		return 0;
	struct kes_ev e;
	if (!store__begin(&e, KES_SYSCALL_OPEN_X, KES_SYSCALL_OPEN_X_NPARAMS_ALL, KES_CAT_FILE))
		return 0;
	struct pt_regs *r = extract__regs();
	long ret = ctx->ret;
	__u64 flags = extract__arg(r, 1);
	/* Parameter 1: fd (FD) */
	store__s64(&e, ret);
	/* Parameter 2: name (FSPATH) */
	store__user_str(&e, (void *)extract__arg(r, 0), KES_PATH_MAX);
	/* Parameter 3: flags (FLAGS32) */
	store__u32(&e, flags__open(flags));
	/* Parameter 4: mode (UINT32) */
	store__u32(&e, flags__open_mode(flags, extract__arg(r, 2)));
	/* Parameters 5, 6: dev (UINT32), ino (UINT64) */
	__u32 dev;
	__u64 ino;
	extract__file_dev_ino(extract__fd_file(extract__task(), ret), &dev, &ino);
	store__u32(&e, dev);
	store__u64(&e, ino);
	store__submit(&e);
	return 0;
}
