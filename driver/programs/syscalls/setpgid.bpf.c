/* setpgid(2) → SYSCALL_SETPGID_X (res, pid, pgid). */
static __always_inline void fill_setpgid(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret); /* Parameter 1: res (PID) */
	store__s64(e, (__s32)ARG(0)); /* Parameter 2: pid (PID) */
	store__s64(e, (__s32)ARG(1)); /* Parameter 3: pgid (PID) */
}

KES_EXIT_PROG(setpgid, KES_SYSCALL_SETPGID_X, KES_SYSCALL_SETPGID_X_NPARAMS_ALL, KES_CAT_PROCESS, fill_setpgid)
