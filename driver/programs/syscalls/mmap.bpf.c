/* mmap(2) → PPME_SYSCALL_MMAP_X (+ appended addr, length, prot, flags, fd, offset). */
static __always_inline void fill_mmap(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__u64(e, ret);                   /* Parameter 1: res (UINT64): address or -errno */
	store__vm(e);                         /* Parameters 2-4: vm_size, vm_rss, vm_swap */
	store__u64(e, ARG(0));                /* Parameter 5: addr (UINT64) */
	store__u64(e, ARG(1));                /* Parameter 6: length (UINT64) */
	store__u32(e, flags__prot(ARG(2)));   /* Parameter 7: prot (FLAGS32, prot_flags) */
	store__u32(e, flags__mmap(ARG(3)));   /* Parameter 8: flags (FLAGS32, mmap_flags) */
	store__s64(e, FDARG(4));              /* Parameter 9: fd (FD) */
	store__u64(e, ARG(5));                /* Parameter 10: offset (UINT64) */
}
KES_EXIT_PROG(mmap, KES_SYSCALL_MMAP_X, KES_SYSCALL_MMAP_X_NPARAMS_ALL, KES_CAT_OTHER, fill_mmap)
