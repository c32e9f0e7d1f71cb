/* brk(2) → PPME_SYSCALL_BRK_4_X (+ appended addr). res is the program break after the call. */
static __always_inline void fill_brk(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__u64(e, ret);             /* Parameter 1: res (UINT64) */
	store__vm(e);                   /* Parameters 2-4: vm_size, vm_rss, vm_swap */
	store__u64(e, ARG(0));          /* Parameter 5: addr (UINT64): the requested break */
}
KES_EXIT_PROG(brk, KES_SYSCALL_BRK_4_X, KES_SYSCALL_BRK_4_X_NPARAMS_ALL, KES_CAT_OTHER, fill_brk)
