/* dup(2) → SYSCALL_DUP_1_X (res, oldfd). */
/* dup, dup2, dup3 → the current table's DUP_1/DUP2/DUP3 exits, which carry oldfd/newfd (the
 * 2022 DUP_X has only res, so the state could not tell which fd was copied). Files written
 * for sysdig 0.29.3 get them back as 2022 DUP E/X pairs (src/capture/enter-synth.ts). */
static __always_inline void fill_dup(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                 /* Parameter 1: res (FD) */
	store__s64(e, FDARG(0));            /* Parameter 2: oldfd (FD) */
}

KES_EXIT_PROG(dup, KES_SYSCALL_DUP_1_X, KES_SYSCALL_DUP_1_X_NPARAMS, KES_CAT_IO, fill_dup)
