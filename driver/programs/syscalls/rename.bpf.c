/* rename(2) → SYSCALL_RENAME_X (res, oldpath, newpath). */
KES_EXIT_PROG(rename, KES_SYSCALL_RENAME_X, KES_SYSCALL_RENAME_X_NPARAMS, KES_CAT_FILE, fill_res_path01)
