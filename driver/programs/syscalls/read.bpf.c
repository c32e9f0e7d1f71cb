/* read(2) → SYSCALL_READ_X (res, data, fd, size). */
KES_EXIT_PROG(read, KES_SYSCALL_READ_X, KES_SYSCALL_READ_X_NPARAMS_ALL, KES_CAT_IO, fill_rw)
