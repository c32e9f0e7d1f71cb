// Live capture for detection: only the syscalls the loaded rules and the state need are
// enabled in the kernel (Falco's adaptive syscall set, base_syscalls).
import { KestrelError } from '../errors.js';
import type { EventSource } from '../capture/types.js';
import { EVENT_NAME } from '../events/generated/event-table.js';

/**
 * Syscalls the state tables need to stay right whatever the rules are (sinsp_state_sc_set's
 * role): process lifecycle, fd creation/destruction, cwd, credentials, sockets.
 */
export const STATE_SYSCALLS: readonly string[] = [
  'clone', 'clone3', 'fork', 'vfork', 'execve', 'execveat', 'procexit', 'close', 'close_range',
  'open', 'openat', 'openat2', 'creat', 'open_by_handle_at', 'socket', 'socketpair', 'bind', 'connect',
  'accept', 'accept4', 'listen', 'pipe', 'pipe2', 'dup', 'dup2', 'dup3', 'fcntl', 'chdir', 'fchdir',
  'setuid', 'setgid', 'setresuid', 'setresgid', 'setreuid', 'setregid', 'setsid', 'chroot', 'prctl',
  'eventfd', 'eventfd2', 'signalfd', 'signalfd4', 'timerfd_create', 'inotify_init', 'inotify_init1',
  'epoll_create', 'epoll_create1', 'userfaultfd', 'memfd_create', 'pidfd_open', 'pidfd_getfd', 'bpf',
  'io_uring_setup', 'capset', 'setns', 'unshare',
];

/** Event names the loaded rules need plus the state's: what the probe must attach. */
export function attachSet(ruleset: { eventTypes(): { ids: Set<number>; all: boolean } }): { names: string[]; all: boolean } {
  const { ids, all } = ruleset.eventTypes();
  const names = new Set<string>(STATE_SYSCALLS);
  for (const id of ids) names.add(EVENT_NAME[id]);
  return { names: [...names].sort(), all };
}

/**
 * Opens the live source with the probe attached to `attachSet(ruleset)` ∩ what the probe has
 * programs for. Event types the rules need but the probe cannot capture are reported through
 * `warn` (those rules cannot fire live). Until the probe and its source are built this is a
 * clear KES_PROBE_LOAD error rather than a crash.
 */
export async function openLiveSource(
  ruleset: { eventTypes(): { ids: Set<number>; all: boolean } },
  warn: (msg: string) => void = () => undefined,
  opts: { ringKiB?: number } = {},
): Promise<EventSource> {
  const set = attachSet(ruleset);
  type LiveCtor = new (o: { syscalls: string[]; ringKiB?: number }) => EventSource;
  type Binding = { openProbe(c: object): { programs(): string[]; close(): void } };
  let Live: LiveCtor;
  let binding: Binding;
  try {
    Live = ((await import('../capture/live-source.js' as string)) as { LiveSource: LiveCtor }).LiveSource;
    binding = (await import('../../native/lib/binding.js' as string)) as Binding;
  } catch (e) {
    throw new KestrelError('KES_PROBE_LOAD', `live capture is not available in this build (${(e as Error).message}); use --replay FILE.scap`);
  }
  let available: Set<string>;
  try {
    const p = binding.openProbe({});
    available = new Set(p.programs());
    p.close();
  } catch (e) {
    throw new KestrelError('KES_PROBE_LOAD', `cannot open the eBPF probe: ${(e as Error).message}; use --replay FILE.scap`, { cause: e });
  }
  const wanted = set.all ? [...available] : set.names;
  const missing = wanted.filter((n) => !available.has(n));
  const syscalls = wanted.filter((n) => available.has(n));
  if (missing.length) warn(`the probe cannot capture ${missing.join(', ')}; rules on those events will not fire live`);
  const src = new Live({ syscalls, ringKiB: opts.ringKiB });
  await src.open();
  return src;
}
