/* Filesystem changes: creat, openat2, unlink(at), mkdir(at), rmdir, rename(at|at2),
 * symlink(at), link(at), chmod, fchmod, fchmodat, chdir, fchdir, chroot, mount, umount2.
 * Paths are the user's arguments, as given (FSRELPATH ones are resolved by user space). */

static __always_inline void fill_creat(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                           /* Parameter 1: fd (FD) */
	store__user_str(e, UPTR(0), KES_PATH_MAX);    /* Parameter 2: name (FSPATH) */
	store__u32(e, ARG(1) & 07777);                /* Parameter 3: mode (UINT32) */
	__u32 dev;
	__u64 ino;
	struct file *f = extract__fd_file(extract__task(), ret);
	extract__file_dev_ino(f, &dev, &ino);
	store__u32(e, dev);                           /* Parameter 4: dev (UINT32) */
	store__u64(e, ino);                           /* Parameter 5: ino (UINT64) */
	/* Parameter 6: creat_flags (FLAGS16): the overlayfs layer of the new file, as current libs
	 * define it (FD_UPPER_LAYER_CREAT = 1, FD_LOWER_LAYER_CREAT = 2); the open flags of creat
	 * are implied (O_CREAT|O_WRONLY|O_TRUNC) and readers construct them. */
	store__u16(e, extract__ovl_layer(f));
}
KES_EXIT_PROG(creat, KES_SYSCALL_CREAT_X, KES_SYSCALL_CREAT_X_NPARAMS_ALL, KES_CAT_FILE, fill_creat)

/* Linux RESOLVE_* bits → PPM_RESOLVE_* (a different order). */
static __always_inline __u32 flags__resolve(__u64 r)
{
	__u32 o = 0;
	if (r & 0x01) o |= KES_OPENAT2_FLAGS_RESOLVE_NO_XDEV;
	if (r & 0x02) o |= KES_OPENAT2_FLAGS_RESOLVE_NO_MAGICLINKS;
	if (r & 0x04) o |= KES_OPENAT2_FLAGS_RESOLVE_NO_SYMLINKS;
	if (r & 0x08) o |= KES_OPENAT2_FLAGS_RESOLVE_BENEATH;
	if (r & 0x10) o |= KES_OPENAT2_FLAGS_RESOLVE_IN_ROOT;
	if (r & 0x20) o |= KES_OPENAT2_FLAGS_RESOLVE_CACHED;
	return o;
}

static __always_inline void fill_openat2(struct kes_ev *e, struct pt_regs *r, long ret)
{
	struct open_how how = {};
	bpf_probe_read_user(&how, sizeof(how), UPTR(2));
	store__s64(e, ret);                           /* Parameter 1: fd (FD) */
	store__s64(e, FDARG(0));                      /* Parameter 2: dirfd (FD) */
	store__user_str(e, UPTR(1), KES_PATH_MAX);    /* Parameter 3: name (FSRELPATH) */
	store__u32(e, flags__open(how.flags));        /* Parameter 4: flags (FLAGS32) */
	store__u32(e, flags__open_mode(how.flags, how.mode)); /* Parameter 5: mode (UINT32) */
	store__u32(e, flags__resolve(how.resolve));   /* Parameter 6: resolve (FLAGS32) */
	__u32 dev;
	__u64 ino;
	extract__file_dev_ino(extract__fd_file(extract__task(), ret), &dev, &ino);
	store__u32(e, dev);                           /* Parameter 7: dev (UINT32) */
	store__u64(e, ino);                           /* Parameter 8: ino (UINT64) */
}
KES_EXIT_PROG(openat2, KES_SYSCALL_OPENAT2_X, KES_SYSCALL_OPENAT2_X_NPARAMS_ALL, KES_CAT_FILE, fill_openat2)

/* res + one path argument */
static __always_inline void fill_res_path0(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__user_str(e, UPTR(0), KES_PATH_MAX);
}
KES_EXIT_PROG(unlink, KES_SYSCALL_UNLINK_2_X, KES_SYSCALL_UNLINK_2_X_NPARAMS, KES_CAT_FILE, fill_res_path0)
KES_EXIT_PROG(rmdir, KES_SYSCALL_RMDIR_2_X, KES_SYSCALL_RMDIR_2_X_NPARAMS, KES_CAT_FILE, fill_res_path0)
KES_EXIT_PROG(chdir, KES_SYSCALL_CHDIR_X, KES_SYSCALL_CHDIR_X_NPARAMS, KES_CAT_FILE, fill_res_path0)
KES_EXIT_PROG(chroot, KES_SYSCALL_CHROOT_X, KES_SYSCALL_CHROOT_X_NPARAMS, KES_CAT_FILE, fill_res_path0)

static __always_inline void fill_unlinkat(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                           /* res */
	store__s64(e, FDARG(0));                      /* dirfd */
	store__user_str(e, UPTR(1), KES_PATH_MAX);    /* name */
	store__u32(e, ARG(2) & 0x200);                /* flags: AT_REMOVEDIR = PPM value */
}
KES_EXIT_PROG(unlinkat, KES_SYSCALL_UNLINKAT_2_X, KES_SYSCALL_UNLINKAT_2_X_NPARAMS, KES_CAT_FILE, fill_unlinkat)

static __always_inline void fill_mkdir(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__user_str(e, UPTR(0), KES_PATH_MAX);
	store__u32(e, ARG(1) & 07777);                /* mode (appended) */
}
KES_EXIT_PROG(mkdir, KES_SYSCALL_MKDIR_2_X, KES_SYSCALL_MKDIR_2_X_NPARAMS_ALL, KES_CAT_FILE, fill_mkdir)

static __always_inline void fill_mkdirat(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__s64(e, FDARG(0));
	store__user_str(e, UPTR(1), KES_PATH_MAX);
	store__u32(e, ARG(2) & 07777);
}
KES_EXIT_PROG(mkdirat, KES_SYSCALL_MKDIRAT_X, KES_SYSCALL_MKDIRAT_X_NPARAMS, KES_CAT_FILE, fill_mkdirat)

/* res + two paths (rename, link) */
static __always_inline void fill_res_path01(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__user_str(e, UPTR(0), KES_PATH_MAX);
	store__user_str(e, UPTR(1), KES_PATH_MAX);
}
KES_EXIT_PROG(rename, KES_SYSCALL_RENAME_X, KES_SYSCALL_RENAME_X_NPARAMS, KES_CAT_FILE, fill_res_path01)
KES_EXIT_PROG(link, KES_SYSCALL_LINK_2_X, KES_SYSCALL_LINK_2_X_NPARAMS, KES_CAT_FILE, fill_res_path01)
/* symlink(target, linkpath): target CHARBUF, linkpath FSPATH */
KES_EXIT_PROG(symlink, KES_SYSCALL_SYMLINK_X, KES_SYSCALL_SYMLINK_X_NPARAMS, KES_CAT_FILE, fill_res_path01)

static __always_inline void fill_renameat(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__s64(e, FDARG(0));
	store__user_str(e, UPTR(1), KES_PATH_MAX);
	store__s64(e, FDARG(2));
	store__user_str(e, UPTR(3), KES_PATH_MAX);
}
KES_EXIT_PROG(renameat, KES_SYSCALL_RENAMEAT_X, KES_SYSCALL_RENAMEAT_X_NPARAMS, KES_CAT_FILE, fill_renameat)

static __always_inline void fill_renameat2(struct kes_ev *e, struct pt_regs *r, long ret)
{
	fill_renameat(e, r, ret);
	store__u32(e, ARG(4) & 7);                    /* flags: RENAME_* = PPM values */
}
KES_EXIT_PROG(renameat2, KES_SYSCALL_RENAMEAT2_X, KES_SYSCALL_RENAMEAT2_X_NPARAMS, KES_CAT_FILE, fill_renameat2)

static __always_inline void fill_linkat(struct kes_ev *e, struct pt_regs *r, long ret)
{
	fill_renameat(e, r, ret);
	store__u32(e, ARG(4) & 0x1400);               /* AT_SYMLINK_FOLLOW | AT_EMPTY_PATH */
}
KES_EXIT_PROG(linkat, KES_SYSCALL_LINKAT_2_X, KES_SYSCALL_LINKAT_2_X_NPARAMS, KES_CAT_FILE, fill_linkat)

static __always_inline void fill_symlinkat(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__user_str(e, UPTR(0), KES_PATH_MAX);    /* target */
	store__s64(e, FDARG(1));                      /* linkdirfd */
	store__user_str(e, UPTR(2), KES_PATH_MAX);    /* linkpath */
}
KES_EXIT_PROG(symlinkat, KES_SYSCALL_SYMLINKAT_X, KES_SYSCALL_SYMLINKAT_X_NPARAMS, KES_CAT_FILE, fill_symlinkat)

static __always_inline void fill_chmod(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__user_str(e, UPTR(0), KES_PATH_MAX);
	store__u32(e, ARG(1) & 07777);
}
KES_EXIT_PROG(chmod, KES_SYSCALL_CHMOD_X, KES_SYSCALL_CHMOD_X_NPARAMS, KES_CAT_FILE, fill_chmod)

static __always_inline void fill_fchmod(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__s64(e, FDARG(0));
	store__u32(e, ARG(1) & 07777);
}
KES_EXIT_PROG(fchmod, KES_SYSCALL_FCHMOD_X, KES_SYSCALL_FCHMOD_X_NPARAMS, KES_CAT_FILE, fill_fchmod)

static __always_inline void fill_fchmodat(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__s64(e, FDARG(0));
	store__user_str(e, UPTR(1), KES_PATH_MAX);
	store__u32(e, ARG(2) & 07777);
}
KES_EXIT_PROG(fchmodat, KES_SYSCALL_FCHMODAT_X, KES_SYSCALL_FCHMODAT_X_NPARAMS, KES_CAT_FILE, fill_fchmodat)

static __always_inline void fill_fchdir(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);
	store__s64(e, FDARG(0));
}
KES_EXIT_PROG(fchdir, KES_SYSCALL_FCHDIR_X, KES_SYSCALL_FCHDIR_X_NPARAMS_ALL, KES_CAT_FILE, fill_fchdir)

static __always_inline void fill_mount(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                           /* res */
	store__user_str(e, UPTR(0), KES_PATH_MAX);    /* dev */
	store__user_str(e, UPTR(1), KES_PATH_MAX);    /* dir */
	store__user_str(e, UPTR(2), 256);             /* type */
	store__u32(e, ARG(3));                        /* flags: MS_* = PPM_MS_* */
}
KES_EXIT_PROG(mount, KES_SYSCALL_MOUNT_X, KES_SYSCALL_MOUNT_X_NPARAMS_ALL, KES_CAT_FILE, fill_mount)

/* umount2 → the 2022 umount event (res, name); the kernel's tracepoint is sys_exit_umount and
 * the program is named after the event (LiveSource maps 'umount2' to it). */
KES_EXIT_PROG_TP(umount, umount, KES_SYSCALL_UMOUNT_X, KES_SYSCALL_UMOUNT_X_NPARAMS, KES_CAT_FILE, fill_res_path0)
