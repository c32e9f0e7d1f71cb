/* pipe(2) → SYSCALL_PIPE_X (res, fd1, fd2, ino). */
KES_EXIT_PROG(pipe, KES_SYSCALL_PIPE_X, KES_SYSCALL_PIPE_X_NPARAMS, KES_CAT_IPC, fill_pipe)
