/* The kestrel probe, built as one unit: helpers in layer order, then every program (one file
 * per syscall or family). One unit means one copy of each map and of the rodata config;
 * unrequested programs are not even loaded (the addon turns autoload off for them). */
#include "helpers/base/common.h"
#include "maps/maps.h"
#include "helpers/store/event.h"
#include "helpers/base/flags.h"
#include "helpers/extract/task.h"
#include "helpers/extract/file.h"
#include "helpers/extract/path.h"
#include "helpers/interfaces/proc.h"
#include "helpers/extract/net.h"
#include "helpers/interfaces/prog.h"

#include "programs/events/sched_process_exit.bpf.c"
#include "programs/syscalls/openat.bpf.c"
#include "programs/syscalls/open.bpf.c"
#include "programs/syscalls/close.bpf.c"
#include "programs/syscalls/execve.bpf.c"
#include "programs/syscalls/clone.bpf.c"
#include "programs/syscalls/fs.bpf.c"
#include "programs/syscalls/net.bpf.c"
#include "programs/syscalls/fd.bpf.c"
#include "programs/syscalls/cred.bpf.c"
#include "programs/syscalls/misc.bpf.c"

char LICENSE[] SEC("license") = "GPL";
