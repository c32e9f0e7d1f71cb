/* accept4(2) → SOCKET_ACCEPT4_5_X (fd, tuple, queuepct, queuelen, queuemax). */
KES_EXIT_PROG(accept4, KES_SOCKET_ACCEPT4_5_X, KES_SOCKET_ACCEPT4_5_X_NPARAMS, KES_CAT_NET, fill_accept)
