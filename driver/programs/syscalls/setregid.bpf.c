/* setregid(2) → PPME_SYSCALL_SETREGID_X: setreuid's layout (res, rgid, egid). */
KES_EXIT_PROG(setregid, KES_SYSCALL_SETREGID_X, KES_SYSCALL_SETREGID_X_NPARAMS, KES_CAT_SECURITY, fill_setre)
