/* fd creation and I/O: dup/dup2/dup3, fcntl, pipe/pipe2, eventfd(2), signalfd(4),
 * timerfd_create, inotify_init(1), userfaultfd, read, write. */

/* dup, dup2, dup3 → the current table's DUP_1/DUP2/DUP3 exits, which carry oldfd/newfd (the
 * 2022 DUP_X has only res, so the state could not tell which fd was copied). Files written
 * for sysdig 0.29.3 get them back as 2022 DUP E/X pairs (src/capture/enter-synth.ts). */
static __always_inline void fill_dup(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                 /* res */
	store__s64(e, FDARG(0));            /* oldfd */
}
static __always_inline void fill_dup2(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                 /* res */
	store__s64(e, FDARG(0));            /* oldfd */
	store__s64(e, FDARG(1));            /* newfd */
}
static __always_inline void fill_dup3(struct kes_ev *e, struct pt_regs *r, long ret)
{
	fill_dup2(e, r, ret);
	store__u32(e, (ARG(2) & L_O_CLOEXEC) ? KES_FILE_FLAGS_O_CLOEXEC : 0); /* flags */
}
KES_EXIT_PROG(dup, KES_SYSCALL_DUP_1_X, KES_SYSCALL_DUP_1_X_NPARAMS, KES_CAT_IO, fill_dup)
KES_EXIT_PROG(dup2, KES_SYSCALL_DUP2_X, KES_SYSCALL_DUP2_X_NPARAMS, KES_CAT_IO, fill_dup2)
KES_EXIT_PROG(dup3, KES_SYSCALL_DUP3_X, KES_SYSCALL_DUP3_X_NPARAMS, KES_CAT_IO, fill_dup3)

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
	store__s64(e, ret);                  /* res */
	store__s64(e, FDARG(0));             /* fd */
	store__u8(e, flags__fcntl(ARG(1)));  /* cmd */
	store__u64(e, ARG(2));               /* arg */
}
KES_EXIT_PROG(fcntl, KES_SYSCALL_FCNTL_X, KES_SYSCALL_FCNTL_X_NPARAMS_ALL, KES_CAT_IO, fill_fcntl)

static __always_inline void fill_pipe(struct kes_ev *e, struct pt_regs *r, long ret)
{
	int fds[2] = {-1, -1};
	if (ret == 0)
		bpf_probe_read_user(fds, sizeof(fds), UPTR(0));
	store__s64(e, ret);
	store__s64(e, fds[0]);
	store__s64(e, fds[1]);
	__u32 dev;
	__u64 ino;
	extract__file_dev_ino(ret == 0 ? extract__fd_file(extract__task(), fds[0]) : NULL, &dev, &ino);
	store__u64(e, ino);
}
KES_EXIT_PROG(pipe, KES_SYSCALL_PIPE_X, KES_SYSCALL_PIPE_X_NPARAMS, KES_CAT_IPC, fill_pipe)
KES_EXIT_PROG(pipe2, KES_SYSCALL_PIPE_X, KES_SYSCALL_PIPE_X_NPARAMS, KES_CAT_IPC, fill_pipe)

static __always_inline void fill_eventfd(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__u64(e, ARG(0));  /* initval */
	store__u32(e, ARG(1));  /* flags (0 for eventfd) */
}
static __always_inline void fill_eventfd1(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__u64(e, ARG(0));
	store__u32(e, 0);
}
KES_EXIT_PROG(eventfd, KES_SYSCALL_EVENTFD_X, KES_SYSCALL_EVENTFD_X_NPARAMS_ALL, KES_CAT_IPC, fill_eventfd1)
KES_EXIT_PROG(eventfd2, KES_SYSCALL_EVENTFD_X, KES_SYSCALL_EVENTFD_X_NPARAMS_ALL, KES_CAT_IPC, fill_eventfd)

static __always_inline void fill_signalfd(struct kes_ev *e, struct pt_regs *r, long ret)
{
	__u32 mask = 0;
	bpf_probe_read_user(&mask, 4, UPTR(1));
	store__s64(e, ret);
	store__s64(e, FDARG(0));
	store__u32(e, mask);
	store__u8(e, 0);
}
static __always_inline void fill_signalfd4(struct kes_ev *e, struct pt_regs *r, long ret)
{
	__u32 mask = 0;
	bpf_probe_read_user(&mask, 4, UPTR(1));
	store__s64(e, ret);
	store__s64(e, FDARG(0));
	store__u32(e, mask);
	store__u8(e, ARG(3));
}
KES_EXIT_PROG(signalfd, KES_SYSCALL_SIGNALFD_X, KES_SYSCALL_SIGNALFD_X_NPARAMS_ALL, KES_CAT_IPC, fill_signalfd)
KES_EXIT_PROG(signalfd4, KES_SYSCALL_SIGNALFD_X, KES_SYSCALL_SIGNALFD_X_NPARAMS_ALL, KES_CAT_IPC, fill_signalfd4)

static __always_inline void fill_timerfd(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__u8(e, ARG(0));
	store__u8(e, ARG(1));
}
KES_EXIT_PROG(timerfd_create, KES_SYSCALL_TIMERFD_CREATE_X, KES_SYSCALL_TIMERFD_CREATE_X_NPARAMS_ALL, KES_CAT_IPC, fill_timerfd)

static __always_inline void fill_inotify(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__u8(e, 0);
}
static __always_inline void fill_inotify1(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__u8(e, ARG(0) >> 11); /* IN_NONBLOCK/IN_CLOEXEC bits, compacted as the 2022 driver did not define them */
}
KES_EXIT_PROG(inotify_init, KES_SYSCALL_INOTIFY_INIT_X, KES_SYSCALL_INOTIFY_INIT_X_NPARAMS_ALL, KES_CAT_IPC, fill_inotify)
KES_EXIT_PROG(inotify_init1, KES_SYSCALL_INOTIFY_INIT_X, KES_SYSCALL_INOTIFY_INIT_X_NPARAMS_ALL, KES_CAT_IPC, fill_inotify1)

static __always_inline void fill_userfaultfd(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__u32(e, ARG(0));
}
KES_EXIT_PROG(userfaultfd, KES_SYSCALL_USERFAULTFD_X, KES_SYSCALL_USERFAULTFD_X_NPARAMS, KES_CAT_IPC, fill_userfaultfd)

static __always_inline void fill_rw(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                                             /* res */
	store__user_bytes(e, UPTR(1), ret > 0 ? ret : 0, kes_snaplen);  /* data */
	store__s64(e, FDARG(0));                                        /* fd */
	store__u32(e, ARG(2));                                          /* size */
}
KES_EXIT_PROG(read, KES_SYSCALL_READ_X, KES_SYSCALL_READ_X_NPARAMS_ALL, KES_CAT_IO, fill_rw)
KES_EXIT_PROG(write, KES_SYSCALL_WRITE_X, KES_SYSCALL_WRITE_X_NPARAMS_ALL, KES_CAT_IO, fill_rw)
