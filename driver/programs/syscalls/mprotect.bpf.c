/* mprotect(2) → SYSCALL_MPROTECT_X (res, addr, length, prot). */
static __always_inline void fill_mprotect(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret); /* Parameter 1: res (ERRNO) */
	store__u64(e, ARG(0));            /* Parameter 2: addr (UINT64) */
	store__u64(e, ARG(1));            /* Parameter 3: length (UINT64) */
	store__u32(e, ARG(2) & 7);        /* Parameter 4: prot (FLAGS32): PROT_READ/WRITE/EXEC = PPM values */
}

KES_EXIT_PROG(mprotect, KES_SYSCALL_MPROTECT_X, KES_SYSCALL_MPROTECT_X_NPARAMS_ALL, KES_CAT_SECURITY, fill_mprotect)
