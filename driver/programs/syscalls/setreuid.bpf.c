/* setreuid(2) → PPME_SYSCALL_SETREUID_X (res, ruid, euid), as requested (-1 = unchanged). */
KES_EXIT_PROG(setreuid, KES_SYSCALL_SETREUID_X, KES_SYSCALL_SETREUID_X_NPARAMS, KES_CAT_SECURITY, fill_setre)
