/* lchown(2) → PPME_SYSCALL_LCHOWN_X: chown's layout (res, path, uid, gid). */
KES_EXIT_PROG(lchown, KES_SYSCALL_LCHOWN_X, KES_SYSCALL_LCHOWN_X_NPARAMS, KES_CAT_FILE, fill_chown)
