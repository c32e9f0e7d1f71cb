/* Interface layer: the exit-program skeleton shared by every syscall. A family file defines
 * fill functions `static __always_inline void fill_<name>(struct kes_ev *e, struct pt_regs *r,
 * long ret)` that store the parameters in table order, and instantiates the program with
 * KES_EXIT_PROG. */
#ifndef KES_INTERFACES_PROG_H
#define KES_INTERFACES_PROG_H

#include "helpers/extract/net.h"
#include "helpers/interfaces/proc.h"

#define KES_EXIT_PROG(sc, type, nparams, cat, fill) KES_EXIT_PROG_TP(sc, sc, type, nparams, cat, fill)

/* tp: the kernel's tracepoint name when it differs from the syscall's (umount2 → umount). */
#define KES_EXIT_PROG_TP(sc, tp, type, nparams, cat, fill)                            \
	SEC("tracepoint/syscalls/sys_exit_" #tp)                                      \
	int x_##sc(struct trace_event_raw_sys_exit *ctx)                              \
	{                                                                             \
		if (extract__skip())                                                  \
			return 0;                                                     \
		struct kes_ev e;                                                      \
		if (!store__begin(&e, type, nparams, cat))                            \
			return 0;                                                     \
		fill(&e, extract__regs(), ctx->ret);                                  \
		store__submit(&e);                                                    \
		return 0;                                                             \
	}

#define ARG(i) extract__arg(r, i)
#define UPTR(i) ((const void *)extract__arg(r, i))
#define FDARG(i) ((__s64)(__s32)extract__arg(r, i))

/* Generic events: ID (PPM_SC_*) + nativeID (the x86-64 syscall number). */
#define KES_GENERIC(sc, ppm_sc, native)                                               \
	static __always_inline void fill_generic_##sc(struct kes_ev *e, struct pt_regs *r, long ret) \
	{                                                                             \
		store__u16(e, ppm_sc);                                                \
		store__u16(e, native);                                                \
	}                                                                             \
	KES_EXIT_PROG(sc, KES_GENERIC_X, KES_GENERIC_X_NPARAMS_ALL, KES_CAT_SECURITY, fill_generic_##sc)

#endif
