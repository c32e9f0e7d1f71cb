/* openat2(2) → SYSCALL_OPENAT2_X (fd, dirfd, name, flags, mode, resolve, dev, ino). */
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
	store__open_args(e, UPTR(1), how.flags, how.mode); /* Parameters 3-5: name, flags, mode */
	store__u32(e, flags__resolve(how.resolve));   /* Parameter 6: resolve (FLAGS32) */
	store__dev_ino(e, extract__fd_file(extract__task(), ret)); /* Parameters 7-8: dev, ino */
}

KES_EXIT_PROG(openat2, KES_SYSCALL_OPENAT2_X, KES_SYSCALL_OPENAT2_X_NPARAMS_ALL, KES_CAT_FILE, fill_openat2)
