/* creat(2) → SYSCALL_CREAT_X (fd, name, mode, dev, ino, creat_flags). */
static __always_inline void fill_creat(struct kes_ev *e, struct pt_regs *r, long ret)
{
	store__s64(e, ret);                           /* Parameter 1: fd (FD) */
	store__user_str(e, UPTR(0), KES_PATH_MAX);    /* Parameter 2: name (FSPATH) */
	store__u32(e, ARG(1) & 07777);                /* Parameter 3: mode (UINT32) */
	struct file *f = extract__fd_file(extract__task(), ret);
	store__dev_ino(e, f);                         /* Parameters 4-5: dev, ino */
	/* Parameter 6: creat_flags (FLAGS16): the overlayfs layer of the new file, as current libs
	 * define it (FD_UPPER_LAYER_CREAT = 1, FD_LOWER_LAYER_CREAT = 2); the open flags of creat
	 * are implied (O_CREAT|O_WRONLY|O_TRUNC) and readers construct them. */
	store__u16(e, extract__ovl_layer(f)); /* Parameter 6: creat_flags (FLAGS16) */
}

KES_EXIT_PROG(creat, KES_SYSCALL_CREAT_X, KES_SYSCALL_CREAT_X_NPARAMS_ALL, KES_CAT_FILE, fill_creat)
