/* tgkill(2) → SYSCALL_TGKILL_X (res, pid, tid, sig). */
static __always_inline void fill_tgkill(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__s64(e, (__s32)ARG(0));     /* pid */
	store__s64(e, (__s32)ARG(1));     /* tid */
	store__u8(e, ARG(2));             /* sig */
}

KES_EXIT_PROG(tgkill, KES_SYSCALL_TGKILL_X, KES_SYSCALL_TGKILL_X_NPARAMS_ALL, KES_CAT_SECURITY, fill_tgkill)
