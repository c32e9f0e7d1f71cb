/* userfaultfd(2) → SYSCALL_USERFAULTFD_X (res, flags). */
static __always_inline void fill_userfaultfd(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret); /* Parameter 1: res (ERRNO) */
	store__u32(e, ARG(0)); /* Parameter 2: flags (FLAGS32) */
}

KES_EXIT_PROG(userfaultfd, KES_SYSCALL_USERFAULTFD_X, KES_SYSCALL_USERFAULTFD_X_NPARAMS, KES_CAT_IPC, fill_userfaultfd)
