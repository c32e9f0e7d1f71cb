/* write(2) → SYSCALL_WRITE_X (res, data, fd, size). */
KES_EXIT_PROG(write, KES_SYSCALL_WRITE_X, KES_SYSCALL_WRITE_X_NPARAMS_ALL, KES_CAT_IO, fill_rw)
