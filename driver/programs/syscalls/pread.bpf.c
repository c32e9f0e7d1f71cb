/* pread64(2) → SYSCALL_PREAD_X (res, data, fd, size, pos). */
KES_EXIT_PROG_TP(pread, pread64, KES_SYSCALL_PREAD_X, KES_SYSCALL_PREAD_X_NPARAMS_ALL, KES_CAT_IO, fill_prw)
