// Live capture for the CLI: the default syscall set, a stop signal (-M seconds, Ctrl-C) and
// the E/X-pair writer used when a live capture is written to a file (-w).

import { LiveSource, type LiveSourceOptions } from './live-source.js';
import { EnterSynth } from './enter-synth.js';
import type { EventView } from '../events/event-view.js';

/** Every syscall the probe has a program for, in the order of its program families. */
export const DEFAULT_LIVE_SYSCALLS: readonly string[] = [
  'procexit', 'execve', 'execveat', 'clone', 'clone3', 'fork', 'vfork',
  'open', 'openat', 'openat2', 'creat', 'close', 'read', 'write',
  'socket', 'bind', 'connect', 'listen', 'accept', 'accept4', 'sendto', 'recvfrom', 'sendmsg', 'recvmsg', 'socketpair',
  'dup', 'dup2', 'dup3', 'fcntl', 'pipe', 'pipe2', 'eventfd', 'eventfd2', 'signalfd', 'signalfd4', 'timerfd_create',
  'inotify_init', 'inotify_init1', 'userfaultfd',
  'unlink', 'unlinkat', 'mkdir', 'mkdirat', 'rmdir', 'rename', 'renameat', 'renameat2', 'symlink', 'symlinkat',
  'link', 'linkat', 'chmod', 'fchmod', 'fchmodat', 'chdir', 'fchdir', 'chroot', 'mount', 'umount2',
  'setuid', 'setgid', 'setresuid', 'setresgid', 'setsid', 'setpgid', 'setns', 'unshare', 'ptrace', 'bpf',
  'init_module', 'finit_module', 'capset', 'prctl', 'memfd_create',
  'kill', 'tkill', 'tgkill', 'shutdown', 'mprotect', 'pread64', 'pwrite64', 'readv', 'writev',
];

export function liveSource(opts: Partial<LiveSourceOptions> = {}): LiveSource {
  return new LiveSource({ syscalls: DEFAULT_LIVE_SYSCALLS, ...opts });
}

/**
 * Stops `src` on SIGINT/SIGTERM or after `seconds`; returns a disposer that removes the
 * handlers (call it when the capture ended by itself).
 */
export function stopOn(src: LiveSource, seconds?: number): () => void {
  const stop = () => { void src.close(); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const timer = seconds !== undefined ? setTimeout(stop, seconds * 1000) : null;
  return () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    if (timer !== null) clearTimeout(timer);
  };
}

/** Writes an exit event preceded by its synthesized enter (files get E/X pairs). */
export class PairWriter {
  private readonly synth = new EnterSynth();
  constructor(private readonly write: (ev: EventView) => unknown) {}
  event(ev: EventView): void {
    for (const e of this.synth.fileEvents(ev)) this.write(e);
  }
}
