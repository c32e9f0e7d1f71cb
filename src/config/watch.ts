// Reload plumbing. Triggers: SIGHUP, and (watch_config_files) changes to the config and rules
// files. Editors save by writing a temp file and renaming it over the original, and
// `kubectl cp`/ConfigMaps swap symlinks, so the *directories* are watched and events are
// filtered by name; a burst of events becomes one reload after `debounceMs` of quiet.
//
// The engine supplies `reload()`. It must build the new state completely before swapping it in
// and throw if anything is wrong (broken rules): the watcher then logs the error, counts it, and
// the old state keeps running. Reloads never overlap: a trigger during a reload queues exactly
// one more.
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { statSync } from 'node:fs';

export interface ReloadWatcherOptions {
  /** The files (or directories) to watch; re-read after every reload (the rules list may change). */
  paths: () => readonly string[];
  /** Watch files at all (watch_config_files); SIGHUP works either way. */
  watchFiles: boolean;
  /** Install a SIGHUP handler (default true). */
  sighup?: boolean;
  debounceMs?: number;
  reload: () => Promise<void> | void;
  /** Called after each attempt: ok, or the error that kept the old state. */
  onResult?: (ok: boolean, err: unknown, trigger: string) => void;
}

export class ReloadWatcher {
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private lastTrigger = '';
  private closed = false;
  private readonly debounceMs: number;
  private readonly onHup = (): void => this.trigger('SIGHUP');
  /** Completed reload attempts (for tests and stats). */
  attempts = 0;
  failures = 0;

  constructor(private readonly o: ReloadWatcherOptions) {
    this.debounceMs = o.debounceMs ?? 300;
    if (o.sighup !== false) process.on('SIGHUP', this.onHup);
    this.rewatch();
  }

  /** Asks for a reload (debounced). */
  trigger(why: string): void {
    if (this.closed) return;
    this.lastTrigger = why;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = null; this.start(); }, this.debounceMs);
  }

  /** Resolves when no reload is pending or running. */
  async settled(): Promise<void> {
    while (this.timer || this.running) {
      if (this.running) await this.running;
      else await new Promise((r) => setTimeout(r, this.debounceMs));
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    process.removeListener('SIGHUP', this.onHup);
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }

  private start(): void {
    if (this.running) { this.again = true; return; }
    const why = this.lastTrigger;
    this.running = (async () => {
      try {
        await this.o.reload();
        this.attempts++;
        this.o.onResult?.(true, null, why);
      } catch (err) {
        this.attempts++;
        this.failures++;
        this.o.onResult?.(false, err, why);
      }
    })().finally(() => {
      this.running = null;
      if (this.closed) return;
      // The list of rules files may have changed with the config.
      this.rewatch();
      if (this.again) { this.again = false; this.start(); }
    });
  }

  private rewatch(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
    if (!this.o.watchFiles) return;
    // dir -> names of interest in it (null = anything in the directory)
    const dirs = new Map<string, Set<string> | null>();
    for (const p of this.o.paths()) {
      const abs = path.resolve(p);
      let isDir = false;
      try { isDir = statSync(abs).isDirectory(); } catch { /* may appear later */ }
      if (isDir) { dirs.set(abs, null); continue; }
      const d = path.dirname(abs);
      const cur = dirs.get(d);
      if (cur === null) continue;
      const set = cur ?? new Set<string>();
      set.add(path.basename(abs));
      dirs.set(d, set);
    }
    for (const [dir, names] of dirs) {
      try {
        const w = watch(dir, { persistent: false }, (_ev, name) => {
          const n = name === null ? null : name.toString();
          if (names === null || n === null || names.has(n)) this.trigger(`change in ${n ? path.join(dir, n) : dir}`);
        });
        w.on('error', () => undefined);
        this.watchers.push(w);
      } catch { /* directory missing: nothing to watch */ }
    }
  }
}
