/* munmap(2) → PPME_SYSCALL_MUNMAP_X (+ appended addr, length). */
static __always_inline void fill_munmap(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);             /* Parameter 1: res (ERRNO) */
	store__vm(e);                   /* Parameters 2-4: vm_size, vm_rss, vm_swap */
	store__u64(e, ARG(0));          /* Parameter 5: addr (UINT64) */
	store__u64(e, ARG(1));          /* Parameter 6: length (UINT64) */
}
KES_EXIT_PROG(munmap, KES_SYSCALL_MUNMAP_X, KES_SYSCALL_MUNMAP_X_NPARAMS_ALL, KES_CAT_OTHER, fill_munmap)
