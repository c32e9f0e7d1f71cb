/* setpgid(2) → SYSCALL_SETPGID_X (res, pid, pgid). */
static __always_inline void fill_setpgid(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__s64(e, (__s32)ARG(0));
	store__s64(e, (__s32)ARG(1));
}

KES_EXIT_PROG(setpgid, KES_SYSCALL_SETPGID_X, KES_SYSCALL_SETPGID_X_NPARAMS_ALL, KES_CAT_PROCESS, fill_setpgid)
