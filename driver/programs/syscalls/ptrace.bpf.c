/* ptrace(2) → SYSCALL_PTRACE_X (res, addr, data, request, pid). */
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
	store__s64(e, ret);                       /* Parameter 1: res (ERRNO) */
	store__dyn_u64(e, ARG(2));                /* Parameter 2: addr (DYN) */
	store__dyn_u64(e, ARG(3));                /* Parameter 3: data (DYN) */
	store__u16(e, flags__ptrace(ARG(0)));     /* Parameter 4: request (ENUMFLAGS16) */
	store__s64(e, (__s32)ARG(1));             /* Parameter 5: pid (PID) */
}

KES_EXIT_PROG(ptrace, KES_SYSCALL_PTRACE_X, KES_SYSCALL_PTRACE_X_NPARAMS_ALL, KES_CAT_SECURITY, fill_ptrace)
