/* fcntl(2) → SYSCALL_FCNTL_X (res, fd, cmd, arg). */
static __always_inline __u8 flags__fcntl(__u64 cmd)
{
	switch (cmd) {
	case 0: return KES_FCNTL_COMMANDS_F_DUPFD;
	case 1: return KES_FCNTL_COMMANDS_F_GETFD;
	case 2: return KES_FCNTL_COMMANDS_F_SETFD;
	case 3: return KES_FCNTL_COMMANDS_F_GETFL;
	case 4: return KES_FCNTL_COMMANDS_F_SETFL;
	case 5: return KES_FCNTL_COMMANDS_F_GETLK;
	case 6: return KES_FCNTL_COMMANDS_F_SETLK;
	case 7: return KES_FCNTL_COMMANDS_F_SETLKW;
	case 8: return KES_FCNTL_COMMANDS_F_SETOWN;
	case 9: return KES_FCNTL_COMMANDS_F_GETOWN;
	case 10: return KES_FCNTL_COMMANDS_F_SETSIG;
	case 11: return KES_FCNTL_COMMANDS_F_GETSIG;
	case 1030: return KES_FCNTL_COMMANDS_F_DUPFD_CLOEXEC;
	case 1024: return KES_FCNTL_COMMANDS_F_SETLEASE;
	case 1025: return KES_FCNTL_COMMANDS_F_GETLEASE;
	case 1031: return KES_FCNTL_COMMANDS_F_SETPIPE_SZ;
	case 1032: return KES_FCNTL_COMMANDS_F_GETPIPE_SZ;
	default: return KES_FCNTL_COMMANDS_UNKNOWN;
	}
}

static __always_inline void fill_fcntl(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                  /* Parameter 1: res (FD) */
	store__s64(e, FDARG(0));             /* Parameter 2: fd (FD) */
	store__u8(e, flags__fcntl(ARG(1)));  /* Parameter 3: cmd (ENUMFLAGS8) */
	store__u64(e, ARG(2));               /* Parameter 4: arg (UINT64) */
}

KES_EXIT_PROG(fcntl, KES_SYSCALL_FCNTL_X, KES_SYSCALL_FCNTL_X_NPARAMS_ALL, KES_CAT_IO, fill_fcntl)
