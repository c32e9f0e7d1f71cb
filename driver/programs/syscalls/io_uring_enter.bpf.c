/* io_uring_enter(2) → PPME_SYSCALL_IO_URING_ENTER_X (res, fd, to_submit, min_complete, flags,
 * sig). sig is the first word of the signal mask when one is passed (not with
 * IORING_ENTER_EXT_ARG, where the argument is a struct instead). */
static __always_inline void fill_io_uring_enter(struct kes_ev *e, struct pt_regs *r, long ret)
{
	__u32 sig = 0;
	__u64 fl = ARG(3);
	if (UPTR(4) && !(fl & KES_IO_URING_ENTER_FLAGS_IORING_ENTER_EXT_ARG))
		bpf_probe_read_user(&sig, sizeof(sig), UPTR(4));
	store__s64(e, ret);             /* Parameter 1: res (ERRNO) */
	store__s64(e, FDARG(0));        /* Parameter 2: fd (FD) */
	store__u32(e, ARG(1));          /* Parameter 3: to_submit (UINT32) */
	store__u32(e, ARG(2));          /* Parameter 4: min_complete (UINT32) */
	store__u32(e, fl & 0xf);        /* Parameter 5: flags (FLAGS32): PPM = Linux bits 0-3 */
	store__u32(e, sig);             /* Parameter 6: sig (SIGSET) */
}
KES_EXIT_PROG(io_uring_enter, KES_SYSCALL_IO_URING_ENTER_X, KES_SYSCALL_IO_URING_ENTER_X_NPARAMS, KES_CAT_IO, fill_io_uring_enter)
