/* setreuid(2) → PPME_SYSCALL_SETREUID_X (res, ruid, euid), as requested (-1 = unchanged). */
static __always_inline void fill_setre(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);             /* Parameter 1: res (ERRNO) */
	store__u32(e, ARG(0));          /* Parameter 2: ruid / rgid (UID) */
	store__u32(e, ARG(1));          /* Parameter 3: euid / egid (UID) */
}
KES_EXIT_PROG(setreuid, KES_SYSCALL_SETREUID_X, KES_SYSCALL_SETREUID_X_NPARAMS, KES_CAT_SECURITY, fill_setre)
