/* inotify_init1(2) → SYSCALL_INOTIFY_INIT_X (res, flags). */
static __always_inline void fill_inotify1(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret); /* Parameter 1: res (FD) */
	store__u8(e, ARG(0) >> 11); /* Parameter 2: flags (UINT8): IN_NONBLOCK/IN_CLOEXEC bits, compacted as the 2022 driver did not define them */
}

KES_EXIT_PROG(inotify_init1, KES_SYSCALL_INOTIFY_INIT_X, KES_SYSCALL_INOTIFY_INIT_X_NPARAMS_ALL, KES_CAT_IPC, fill_inotify1)
