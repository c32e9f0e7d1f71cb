/* setsid(2) → SYSCALL_SETSID_X (res). */
static __always_inline void fill_setsid(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret); /* Parameter 1: res (PID) */
}

KES_EXIT_PROG(setsid, KES_SYSCALL_SETSID_X, KES_SYSCALL_SETSID_X_NPARAMS, KES_CAT_PROCESS, fill_setsid)
