/* tgkill(2) → SYSCALL_TGKILL_X (res, pid, tid, sig). */
static __always_inline void fill_tgkill(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret); /* Parameter 1: res (ERRNO) */
	store__s64(e, (__s32)ARG(0));     /* Parameter 2: pid (PID) */
	store__s64(e, (__s32)ARG(1));     /* Parameter 3: tid (PID) */
	store__u8(e, ARG(2));             /* Parameter 4: sig (SIGTYPE) */
}

KES_EXIT_PROG(tgkill, KES_SYSCALL_TGKILL_X, KES_SYSCALL_TGKILL_X_NPARAMS_ALL, KES_CAT_SECURITY, fill_tgkill)
