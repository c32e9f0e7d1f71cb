/* io_uring_register(2) → PPME_SYSCALL_IO_URING_REGISTER_X (res, fd, opcode, arg, nr_args).
 * PPM_IORING_REGISTER_* opcodes equal Linux's (0-21). */
static __always_inline void fill_io_uring_register(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);             /* Parameter 1: res (ERRNO) */
	store__s64(e, FDARG(0));        /* Parameter 2: fd (FD) */
	store__u16(e, ARG(1));          /* Parameter 3: opcode (ENUMFLAGS16) */
	store__u64(e, ARG(2));          /* Parameter 4: arg (UINT64) */
	store__u32(e, ARG(3));          /* Parameter 5: nr_args (UINT32) */
}
KES_EXIT_PROG(io_uring_register, KES_SYSCALL_IO_URING_REGISTER_X, KES_SYSCALL_IO_URING_REGISTER_X_NPARAMS, KES_CAT_IO, fill_io_uring_register)
