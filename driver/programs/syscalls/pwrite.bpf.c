/* pwrite64(2) → SYSCALL_PWRITE_X (res, data, fd, size, pos). */
KES_EXIT_PROG_TP(pwrite, pwrite64, KES_SYSCALL_PWRITE_X, KES_SYSCALL_PWRITE_X_NPARAMS_ALL, KES_CAT_IO, fill_prw)
