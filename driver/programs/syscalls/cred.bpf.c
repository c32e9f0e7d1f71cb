/* Credentials, sessions, namespaces, tracing, modules: setuid, setgid, setresuid,
 * setresgid, setsid, setpgid, setns, unshare, ptrace, bpf, and the syscalls the 2022 table
 * only knows as generic events (init_module, finit_module, memfd_create, capset, prctl). */

static __always_inline void fill_setuid(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__u32(e, ARG(0));
}
KES_EXIT_PROG(setuid, KES_SYSCALL_SETUID_X, KES_SYSCALL_SETUID_X_NPARAMS_ALL, KES_CAT_SECURITY, fill_setuid)
KES_EXIT_PROG(setgid, KES_SYSCALL_SETGID_X, KES_SYSCALL_SETGID_X_NPARAMS_ALL, KES_CAT_SECURITY, fill_setuid)

static __always_inline void fill_setres(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__u32(e, ARG(0));
	store__u32(e, ARG(1));
	store__u32(e, ARG(2));
}
KES_EXIT_PROG(setresuid, KES_SYSCALL_SETRESUID_X, KES_SYSCALL_SETRESUID_X_NPARAMS_ALL, KES_CAT_SECURITY, fill_setres)
KES_EXIT_PROG(setresgid, KES_SYSCALL_SETRESGID_X, KES_SYSCALL_SETRESGID_X_NPARAMS_ALL, KES_CAT_SECURITY, fill_setres)

static __always_inline void fill_setsid(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
}
KES_EXIT_PROG(setsid, KES_SYSCALL_SETSID_X, KES_SYSCALL_SETSID_X_NPARAMS, KES_CAT_PROCESS, fill_setsid)

static __always_inline void fill_setpgid(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__s64(e, (__s32)ARG(0));
	store__s64(e, (__s32)ARG(1));
}
KES_EXIT_PROG(setpgid, KES_SYSCALL_SETPGID_X, KES_SYSCALL_SETPGID_X_NPARAMS_ALL, KES_CAT_PROCESS, fill_setpgid)

static __always_inline void fill_setns(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__s64(e, FDARG(0));
	store__u32(e, flags__clone(ARG(1)));
}
KES_EXIT_PROG(setns, KES_SYSCALL_SETNS_X, KES_SYSCALL_SETNS_X_NPARAMS_ALL, KES_CAT_SECURITY, fill_setns)

static __always_inline void fill_unshare(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__u32(e, flags__clone(ARG(0)));
}
KES_EXIT_PROG(unshare, KES_SYSCALL_UNSHARE_X, KES_SYSCALL_UNSHARE_X_NPARAMS_ALL, KES_CAT_SECURITY, fill_unshare)

static __always_inline __u16 flags__ptrace(__u64 req)
{
	switch (req) {
	case 0: return KES_PTRACE_REQUESTS_PTRACE_TRACEME;
	case 1: return KES_PTRACE_REQUESTS_PTRACE_PEEKTEXT;
	case 2: return KES_PTRACE_REQUESTS_PTRACE_PEEKDATA;
	case 3: return KES_PTRACE_REQUESTS_PTRACE_PEEKUSR;
	case 4: return KES_PTRACE_REQUESTS_PTRACE_POKETEXT;
	case 5: return KES_PTRACE_REQUESTS_PTRACE_POKEDATA;
	case 6: return KES_PTRACE_REQUESTS_PTRACE_POKEUSR;
	case 7: return KES_PTRACE_REQUESTS_PTRACE_CONT;
	case 8: return KES_PTRACE_REQUESTS_PTRACE_KILL;
	case 9: return KES_PTRACE_REQUESTS_PTRACE_SINGLESTEP;
	case 12: return KES_PTRACE_REQUESTS_PTRACE_GETREGS;
	case 13: return KES_PTRACE_REQUESTS_PTRACE_SETREGS;
	case 16: return KES_PTRACE_REQUESTS_PTRACE_ATTACH;
	case 17: return KES_PTRACE_REQUESTS_PTRACE_DETACH;
	case 24: return KES_PTRACE_REQUESTS_PTRACE_SYSCALL;
	case 0x4200: return KES_PTRACE_REQUESTS_PTRACE_SETOPTIONS;
	case 0x4201: return KES_PTRACE_REQUESTS_PTRACE_GETEVENTMSG;
	case 0x4202: return KES_PTRACE_REQUESTS_PTRACE_GETSIGINFO;
	case 0x4203: return KES_PTRACE_REQUESTS_PTRACE_SETSIGINFO;
	case 0x4204: return KES_PTRACE_REQUESTS_PTRACE_GETREGSET;
	case 0x4205: return KES_PTRACE_REQUESTS_PTRACE_SETREGSET;
	case 0x4206: return KES_PTRACE_REQUESTS_PTRACE_SEIZE;
	case 0x4207: return KES_PTRACE_REQUESTS_PTRACE_INTERRUPT;
	case 0x4208: return KES_PTRACE_REQUESTS_PTRACE_LISTEN;
	default: return KES_PTRACE_REQUESTS_PTRACE_UNKNOWN;
	}
}

/* DYN parameter with selector 0 (UINT64). */
static __always_inline void store__dyn_u64(struct kes_ev *e, __u64 v)
{
	__u8 *d = &e->buf[e->pos & KES_EV_MASK];
	d[0] = 0;
	__builtin_memcpy(d + 1, &v, 8);
	store__len(e, 9);
}

static __always_inline void fill_ptrace(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                       /* res */
	store__dyn_u64(e, ARG(2));                /* addr */
	store__dyn_u64(e, ARG(3));                /* data */
	store__u16(e, flags__ptrace(ARG(0)));     /* request */
	store__s64(e, (__s32)ARG(1));             /* pid */
}
KES_EXIT_PROG(ptrace, KES_SYSCALL_PTRACE_X, KES_SYSCALL_PTRACE_X_NPARAMS_ALL, KES_CAT_SECURITY, fill_ptrace)

/* bpf → the current table's BPF_2_X (fd/res, cmd): rules need the command (BPF_PROG_LOAD),
 * which the 2022 BPF_X lacks. Files for sysdig 0.29.3 get a 2022 BPF E/X pair. */
static __always_inline void fill_bpf(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                 /* fd (or negative errno) */
	store__u32(e, ARG(0));              /* cmd: PPM_BPF_* = Linux BPF_* command numbers */
}
KES_EXIT_PROG(bpf, KES_SYSCALL_BPF_2_X, KES_SYSCALL_BPF_2_X_NPARAMS, KES_CAT_SECURITY, fill_bpf)

/* Generic events: ID (PPM_SC_*) + nativeID (the x86-64 syscall number). */
#define KES_GENERIC(sc, ppm_sc, native)                                               \
	static __always_inline void fill_generic_##sc(struct kes_ev *e, struct pt_regs *r, long ret) \
	{                                                                             \
		store__u16(e, ppm_sc);                                                \
		store__u16(e, native);                                                \
	}                                                                             \
	KES_EXIT_PROG(sc, KES_GENERIC_X, KES_GENERIC_X_NPARAMS_ALL, KES_CAT_SECURITY, fill_generic_##sc)

KES_GENERIC(init_module, KES_SC_INIT_MODULE, 175)
KES_GENERIC(finit_module, KES_SC_FINIT_MODULE, 313)
KES_GENERIC(capset, KES_SC_CAPSET, 126)
KES_GENERIC(prctl, KES_SC_PRCTL, 157)
/* memfd_create has no PPM_SC code in the 2022 table: ID 0, as the 2022 driver sent. */
KES_GENERIC(memfd_create, 0, 319)
