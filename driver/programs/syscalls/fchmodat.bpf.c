/* fchmodat(2) → SYSCALL_FCHMODAT_X (res, dirfd, filename, mode). */
KES_EXIT_PROG(fchmodat, KES_SYSCALL_FCHMODAT_X, KES_SYSCALL_FCHMODAT_X_NPARAMS, KES_CAT_FILE, fill_at_path_mode)
