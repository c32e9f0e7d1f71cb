/* mkdirat(2) → SYSCALL_MKDIRAT_X (res, dirfd, path, mode). */
KES_EXIT_PROG(mkdirat, KES_SYSCALL_MKDIRAT_X, KES_SYSCALL_MKDIRAT_X_NPARAMS, KES_CAT_FILE, fill_at_path_mode)
