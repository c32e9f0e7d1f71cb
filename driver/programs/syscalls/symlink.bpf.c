/* symlink(2) → SYSCALL_SYMLINK_X (res, target, linkpath). */
/* symlink(target, linkpath): target CHARBUF, linkpath FSPATH */
KES_EXIT_PROG(symlink, KES_SYSCALL_SYMLINK_X, KES_SYSCALL_SYMLINK_X_NPARAMS, KES_CAT_FILE, fill_res_path01)
