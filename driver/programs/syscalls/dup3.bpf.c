/* dup3(2) → SYSCALL_DUP3_X (res, oldfd, newfd, flags). */
static __always_inline void fill_dup3(struct kes_ev *e, struct pt_regs *r, long ret)
{
	fill_dup2(e, r, ret); /* Parameters 1-3: res, oldfd, newfd */
	store__u32(e, (ARG(2) & L_O_CLOEXEC) ? KES_FILE_FLAGS_O_CLOEXEC : 0); /* Parameter 4: flags (FLAGS32) */
}

KES_EXIT_PROG(dup3, KES_SYSCALL_DUP3_X, KES_SYSCALL_DUP3_X_NPARAMS, KES_CAT_IO, fill_dup3)
