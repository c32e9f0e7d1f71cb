/* umount2 → the 2022 umount event (res, name); the kernel's tracepoint is sys_exit_umount and
 * the program is named after the event (LiveSource maps 'umount2' to it). */
KES_EXIT_PROG_TP(umount, umount, KES_SYSCALL_UMOUNT_X, KES_SYSCALL_UMOUNT_X_NPARAMS, KES_CAT_FILE, fill_res_path0)
