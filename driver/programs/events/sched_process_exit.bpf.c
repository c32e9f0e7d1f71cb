/* Thread exit → PPME_PROCEXIT_1_E (+ appended reaper_tid). Fires once per exiting thread. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(ev_procexit, struct task_struct *p)
{
	if (extract__skip())
		return 0;
	struct kes_ev e;
	if (!store__begin(&e, KES_PROCEXIT_1_E, KES_PROCEXIT_1_E_NPARAMS_ALL, KES_CAT_PROCESS))
		return 0;
	int code = p->exit_code;
	/* Parameter 1: status (ERRNO): the raw wait status */
	store__s64(&e, code);
	/* Parameter 2: ret (ERRNO): exit status */
	store__s64(&e, (code >> 8) & 0xff);
	/* Parameter 3: sig (SIGTYPE): terminating signal, 0 on a normal exit */
	store__u8(&e, code & 0x7f);
	/* Parameter 4: core (UINT8) */
	store__u8(&e, (code & 0x80) ? 1 : 0);
	/* Parameter 5: reaper_tid (PID): who inherits this thread's children, 0 if it has none */
	store__s64(&e, extract__reaper_tid(p));
	store__submit(&e);
	return 0;
}
