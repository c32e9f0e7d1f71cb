// Live capture for detection: only the syscalls the loaded rules and the state need are
// enabled in the kernel (Falco's adaptive syscall set, base_syscalls).
import { KestrelError } from '../errors.js';
import type { EventSource } from '../capture/types.js';
import { EVENT_NAME } from '../events/generated/event-table.js';
import { GENERIC_EVENT_IDS, eventIdsByName } from '../filter/evttypes.js';

/** Events kestrel raises itself, not the probe (container starts: src/containers/start-events.ts):
 * never part of the attach set, so rules on them are not reported as uncapturable. */
const RAISED_BY_KESTREL: ReadonlySet<string> = new Set(['container']);

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

/**
 * `base_syscalls: {repair: true}`: the least that keeps the state right for the rules' own
 * events (process lifecycle, fd closing and duplication, cwd, credentials, namespaces); the
 * fd-creating syscalls then come only from the rules.
 */
export const REPAIR_SYSCALLS: readonly string[] = [
  'clone', 'clone3', 'fork', 'vfork', 'execve', 'execveat', 'procexit', 'close', 'close_range',
  'dup', 'dup2', 'dup3', 'fcntl', 'chdir', 'fchdir', 'setuid', 'setgid', 'setresuid', 'setresgid',
  'setreuid', 'setregid', 'capset', 'prctl', 'setsid', 'chroot', 'setns', 'unshare',
];

/** Falco's `base_syscalls` config (0.35+). */
export interface BaseSyscalls {
  /** Replaces the state set when it names syscalls; `!name` removes a syscall from the final set. */
  custom_set: readonly string[];
  /** Add the minimal state set (REPAIR_SYSCALLS) to custom_set and the rules'. */
  repair: boolean;
  /** Every syscall the probe has. */
  all: boolean;
}

export const DEFAULT_BASE: BaseSyscalls = { custom_set: [], repair: false, all: false };

/** The syscalls kept whatever the rules are: the state set, or custom_set (+ repair). */
export function baseSet(base: BaseSyscalls = DEFAULT_BASE): string[] {
  const positive = base.custom_set.filter((n) => !n.startsWith('!'));
  if (positive.length === 0 && !base.repair) return [...STATE_SYSCALLS];
  return [...new Set([...positive, ...(base.repair ? REPAIR_SYSCALLS : [])])];
}

/**
 * Event names the loaded rules need plus the base set (the state's, unless base_syscalls says
 * otherwise), minus custom_set's `!name` exclusions: what the probe must attach. `excluded`
 * lists the exclusions that remove a syscall some rule needs (those rules cannot fire live).
 */
export function attachSet(ruleset: { eventTypes(): { ids: Set<number>; all: boolean } }, base: BaseSyscalls = DEFAULT_BASE): { names: string[]; all: boolean; excluded: string[]; generic: boolean } {
  const { ids, all } = ruleset.eventTypes();
  const names = new Set<string>(baseSet(base));
  const fromRules = new Set<string>();
  let generic = false;
  for (const id of ids) {
    // Generic events (a syscall with no event of its own) do not say which syscall: the
    // caller attaches the probe's generic programs (GENERIC_EVENT_IDS).
    if (GENERIC_EVENT_IDS.includes(id)) generic = true;
    else if (!RAISED_BY_KESTREL.has(EVENT_NAME[id])) fromRules.add(EVENT_NAME[id]);
  }
  for (const n of fromRules) names.add(n);
  const excluded: string[] = [];
  for (const n of base.custom_set) {
    if (!n.startsWith('!')) continue;
    const name = n.slice(1);
    if (names.delete(name) && fromRules.has(name)) excluded.push(name);
  }
  return { names: [...names].sort(), all: all || base.all, excluded, generic };
}

/**
 * The probe programs the rules and the base set want (`attachSet` against what the probe
 * has): every program for `all`; else the set's names, plus the programs that emit generic
 * events (those not named after an event) when a rule needs one. Warns about custom_set
 * exclusions that rules need. Names the probe lacks are left in, for the caller to report.
 */
function wantedPrograms(ruleset: { eventTypes(): { ids: Set<number>; all: boolean } }, base: BaseSyscalls,
  available: ReadonlySet<string>, warn: (msg: string) => void): string[] {
  const set = attachSet(ruleset, base);
  if (set.excluded.length) warn(`base_syscalls.custom_set excludes ${set.excluded.join(', ')}, which rules need; those rules will not fire live`);
  if (set.all) return [...available];
  if (!set.generic) return set.names;
  return [...set.names, ...[...available].filter((n) => eventIdsByName(n).length === 0)];
}

/** What a rules reload needs from the open live source. */
interface Attachable {
  attachMore(names: readonly string[]): string[];
  detach(names: readonly string[]): string[];
  attachedNames(): string[];
  close(): Promise<void>;
}

/** The live source `openLiveSource` opened last (one per `kestrel run`), for `followRules`;
 * `program` maps an event name to the probe program that captures it (umount2 → umount). */
let active: { src: Attachable; available: Set<string>; program: (name: string) => string; base: BaseSyscalls } | null = null;

/** What a rules reload changed in the kernel: probe program names, sorted. */
export interface FollowResult {
  attached: string[];
  detached: string[];
}

/**
 * After a rules reload: attaches the syscalls the new rules need that the old ones did not
 * (the probe loaded every program at open, so this is an attach, not a reload of the probe),
 * then detaches those no rule needs any more, so a syscall no rule needs costs nothing again.
 * The base set (the state's syscalls, or base_syscalls') is never detached. Events a detached program already
 * wrote are still delivered. Nothing changes without an open live source (replay).
 */
export function followRules(
  ruleset: { eventTypes(): { ids: Set<number>; all: boolean } },
  warn: (msg: string) => void = () => undefined,
): FollowResult {
  const a = active;
  if (a === null) return { attached: [], detached: [] };
  const wanted = wantedPrograms(ruleset, a.base, a.available, warn).filter((n) => a.available.has(n));
  const before = new Set(a.src.attachedNames());
  const unavailable = a.src.attachMore(wanted);
  const attached = a.src.attachedNames().filter((n) => !before.has(n));
  if (unavailable.length) warn(`this kernel has no tracepoint for ${unavailable.join(', ')}; rules on those events will not fire live`);
  // Keep what the new rules or the state need (by program name); the rest goes.
  const keep = new Set<string>();
  for (const n of wanted) keep.add(a.program(n));
  for (const n of baseSet(a.base)) keep.add(a.program(n));
  const detached = a.src.detach(a.src.attachedNames().filter((n) => !keep.has(n)));
  return { attached, detached };
}

/**
 * Opens the live source with the probe attached to `attachSet(ruleset)` ∩ what the probe has
 * programs for. Every program is loaded (attaching is what costs the traced syscalls), so a
 * rules reload can attach more, and detach what it no longer needs, with `followRules`. Event types the rules need but the probe cannot capture are reported through
 * `warn` (those rules cannot fire live). Until the probe and its source are built this is a
 * clear KES_PROBE_LOAD error rather than a crash.
 */
export async function openLiveSource(
  ruleset: { eventTypes(): { ids: Set<number>; all: boolean } },
  warn: (msg: string) => void = () => undefined,
  opts: { ringKiB?: number; base?: BaseSyscalls; snaplen?: number } = {},
): Promise<EventSource> {
  const base = opts.base ?? DEFAULT_BASE;
  type LiveCtor = new (o: { syscalls: string[]; ringKiB?: number; loadAll?: boolean; snaplen?: number; captureEnv?: boolean }) => EventSource & Attachable;
  type Binding = { openProbe(c: object): { programs(): string[]; close(): void } };
  let Live: LiveCtor;
  let binding: Binding;
  let aliases: Readonly<Record<string, string>>;
  try {
    const mod = (await import('../capture/live-source.js' as string)) as { LiveSource: LiveCtor; SYSCALL_ALIASES: Readonly<Record<string, string>> };
    Live = mod.LiveSource;
    aliases = mod.SYSCALL_ALIASES;
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
  const wanted = wantedPrograms(ruleset, base, available, warn);
  const missing = wanted.filter((n) => !available.has(n));
  const syscalls = wanted.filter((n) => available.has(n));
  if (missing.length) warn(`the probe cannot capture ${missing.join(', ')}; rules on those events will not fire live`);
  // Environments on execve, as Falco's drivers capture them: rules read proc.env (loader
  // variables on setuid programs, proxies) and outputs may print it.
  const src = new Live({ syscalls, ringKiB: opts.ringKiB, loadAll: true, snaplen: opts.snaplen, captureEnv: true });
  await src.open();
  const entry = { src, available, program: (n: string) => aliases[n] ?? n, base };
  active = entry;
  // Forget it when it closes (a later followRules then does nothing).
  const close = src.close.bind(src);
  src.close = async () => { if (active === entry) active = null; await close(); };
  return src;
}
