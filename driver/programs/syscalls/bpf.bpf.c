/* bpf(2) → SYSCALL_BPF_2_X (fd, cmd). */
/* bpf → the current table's BPF_2_X (fd/res, cmd): rules need the command (BPF_PROG_LOAD),
 * which the 2022 BPF_X lacks. Files for sysdig 0.29.3 get a 2022 BPF E/X pair. */
static __always_inline void fill_bpf(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                 /* Parameter 1: fd (FD): or negative errno */
	store__u32(e, ARG(0));              /* Parameter 2: cmd (ENUMFLAGS32): PPM_BPF_* = Linux BPF_* command numbers */
}

KES_EXIT_PROG(bpf, KES_SYSCALL_BPF_2_X, KES_SYSCALL_BPF_2_X_NPARAMS, KES_CAT_SECURITY, fill_bpf)
