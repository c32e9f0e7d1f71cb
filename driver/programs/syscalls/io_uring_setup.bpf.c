/* io_uring_setup(2) → PPME_SYSCALL_IO_URING_SETUP_X (res, entries, sq_entries, cq_entries,
 * flags, sq_thread_cpu, sq_thread_idle, features). The kernel writes the ring sizes and the
 * features back into the caller's io_uring_params, so they are read at exit. */
static __always_inline void fill_io_uring_setup(struct kes_ev *e, struct pt_regs *r, long ret)
{
	struct io_uring_params p = {};
	bpf_probe_read_user(&p, sizeof(p), UPTR(1));
	store__s64(e, ret);                              /* Parameter 1: res (ERRNO) */
	store__u32(e, ARG(0));                           /* Parameter 2: entries (UINT32) */
	store__u32(e, p.sq_entries);                     /* Parameter 3: sq_entries (UINT32) */
	store__u32(e, p.cq_entries);                     /* Parameter 4: cq_entries (UINT32) */
	store__u32(e, flags__io_uring_setup(p.flags));   /* Parameter 5: flags (FLAGS32) */
	store__u32(e, p.sq_thread_cpu);                  /* Parameter 6: sq_thread_cpu (UINT32) */
	store__u32(e, p.sq_thread_idle);                 /* Parameter 7: sq_thread_idle (UINT32) */
	store__u32(e, p.features & 0x7ff);               /* Parameter 8: features (FLAGS32): PPM = Linux bits 0-10 */
}
KES_EXIT_PROG(io_uring_setup, KES_SYSCALL_IO_URING_SETUP_X, KES_SYSCALL_IO_URING_SETUP_X_NPARAMS, KES_CAT_IO, fill_io_uring_setup)
