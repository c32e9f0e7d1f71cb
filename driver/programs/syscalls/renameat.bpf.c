/* renameat(2) → SYSCALL_RENAMEAT_X (res, olddirfd, oldpath, newdirfd, newpath). */
KES_EXIT_PROG(renameat, KES_SYSCALL_RENAMEAT_X, KES_SYSCALL_RENAMEAT_X_NPARAMS, KES_CAT_FILE, fill_renameat)
