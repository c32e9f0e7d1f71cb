/* link(2) → SYSCALL_LINK_2_X (res, oldpath, newpath). */
KES_EXIT_PROG(link, KES_SYSCALL_LINK_2_X, KES_SYSCALL_LINK_2_X_NPARAMS, KES_CAT_FILE, fill_res_path01)
