/* chown(2) → PPME_SYSCALL_CHOWN_X (current table: res, path, uid, gid). uid/gid as given
 * (-1 = unchanged is 4294967295). */
KES_EXIT_PROG(chown, KES_SYSCALL_CHOWN_X, KES_SYSCALL_CHOWN_X_NPARAMS, KES_CAT_FILE, fill_chown)
