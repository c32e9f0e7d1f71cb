// Live detection test harness: runs the real `kestrel run` (probe, state, default rules,
// outputs) with JSON alerts, runs behaviours in their own session (setsid) and attributes
// alerts to them by proc.sid (added to every alert's output_fields through append_output).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, readdirSync, readlinkSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const KESTREL = fileURLToPath(new URL('../../../bin/kestrel.js', import.meta.url));

export interface AlertJson {
  rule: string;
  priority: string;
  output: string;
  output_fields: Record<string, unknown>;
  tags: string[];
  time: string;
}

export class Kestrel {
  readonly alerts: AlertJson[] = [];
  /** Syscalls the probe could not attach (from the start-up warning). */
  missing = new Set<string>();
  /** Rules the loader skipped (LOAD_UNKNOWN_FILTER). */
  skippedRules = new Set<string>();
  stderr = '';
  private proc: ChildProcess | null = null;
  private waiters: (() => void)[] = [];

  static async start(extraArgs: string[] = []): Promise<Kestrel> {
    const k = new Kestrel();
    const dir = mkdtempSync(join(tmpdir(), 'kestrel-e2e-cfg-'));
    const cfg = join(dir, 'kestrel.yaml');
    writeFileSync(cfg, [
      'json_output: true',
      'webserver:', '  enabled: false',
      'syslog_output:', '  enabled: false',
      'append_output:', '  - extra_fields:', '      - proc.sid', '      - proc.pid',
    ].join('\n') + '\n');
    const p = spawn(process.execPath, [KESTREL, 'run', '-v', '-c', cfg, ...extraArgs], { timeout: 1_800_000, killSignal: 'SIGKILL', stdio: ['ignore', 'pipe', 'pipe'] });
    k.proc = p;
    let out = '';
    p.stdout!.setEncoding('utf8');
    p.stdout!.on('data', (d: string) => {
      out += d;
      let i: number;
      while ((i = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, i);
        out = out.slice(i + 1);
        if (line.startsWith('{')) {
          try { k.alerts.push(JSON.parse(line) as AlertJson); } catch { /* not an alert */ }
        }
      }
      k.wake();
    });
    p.stderr!.setEncoding('utf8');
    const ready = new Promise<void>((resolve, reject) => {
      p.stderr!.on('data', (d: string) => {
        k.stderr += d;
        if (k.stderr.includes('kestrel run: ready')) resolve();
      });
      p.on('exit', (code) => reject(new Error(`kestrel run exited (${code}) before it was ready:\n${k.stderr}`)));
      setTimeout(() => reject(new Error(`kestrel run not ready after 120 s:\n${k.stderr}`)), 120_000).unref();
    });
    await ready;
    const m = /the probe cannot capture ([^;]+);/.exec(k.stderr);
    if (m) for (const n of m[1].split(', ')) k.missing.add(n.trim());
    for (const mm of k.stderr.matchAll(/LOAD_UNKNOWN_FILTER: .*\(rule '([^']+)'\)/g)) k.skippedRules.add(mm[1]);
    return k;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Alerts whose process belongs to session `sid`. */
  bySession(sid: number): AlertJson[] {
    return this.alerts.filter((a) => a.output_fields['proc.sid'] === sid);
  }

  /** Waits until `pred` holds over the alerts or `ms` pass; returns whether it held. */
  async waitFor(pred: () => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, Math.min(left, 200)).unref();
      });
    }
    return true;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const done = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    const t = setTimeout(() => p.kill('SIGKILL'), 10_000);
    await done;
    clearTimeout(t);
  }
}

/** A JSON alert as the tests read it (Falco's shape; `source` is "internal" for kestrel's own). */
export interface RunAlert { rule: string; output: string; source: string; output_fields: Record<string, unknown> }

/**
 * `kestrel run -v ARGS` with its output kept, for tests that drive one kestrel themselves
 * (reloads, drops) rather than through `Kestrel`: the alerts so far, and a bounded poll that
 * fails with kestrel's output when kestrel exits or the limit passes.
 */
export function spawnRun(args: string[]) {
  const p = spawn(process.execPath, [KESTREL, 'run', '-v', ...args], { timeout: 900_000, killSignal: 'SIGKILL', stdio: ['ignore', 'pipe', 'pipe'] });
  const run = {
    p,
    out: '',
    err: '',
    exited: new Promise<void>((r) => p.once('exit', () => r())),
    alerts: (): RunAlert[] => run.out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as RunAlert),
    /** Polls `cond` every `everyMs`, calling `poke` each round (something for the rules to match). */
    async until(what: string, cond: () => boolean, poke: () => void = () => undefined, limitMs = 60_000, everyMs = 100): Promise<void> {
      const end = Date.now() + limitMs;
      while (!cond()) {
        if (p.exitCode !== null || p.signalCode !== null) throw new Error(`kestrel exited while waiting for ${what}: ${run.err}`);
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}\nstdout: ${run.out.slice(-2000)}\nstderr: ${run.err.slice(-2000)}`);
        poke();
        await new Promise((r) => setTimeout(r, everyMs));
      }
    },
    async stop(): Promise<void> {
      if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
      await run.exited;
    },
  };
  p.stdout!.setEncoding('utf8');
  p.stderr!.setEncoding('utf8');
  p.stdout!.on('data', (d: string) => { run.out += d; });
  p.stderr!.on('data', (d: string) => { run.err += d; });
  return run;
}

export interface SessionResult {
  sid: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `script` with sh in a new session; its pid is the session id of everything it starts. */
export function session(script: string, timeoutMs = 60_000): Promise<SessionResult> {
  return new Promise((resolve, reject) => {
    // setsid(1) calls setsid() in place (the child is not a group leader) and execs sh.
    const p = spawn('setsid', ['sh', '-c', script], { timeout: 300_000, killSignal: 'SIGKILL', stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    const t = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`session timed out: ${script}`)); }, timeoutMs);
    p.on('exit', (code) => { clearTimeout(t); resolve({ sid: p.pid!, code, stdout, stderr }); });
    p.on('error', reject);
  });
}

/** Fields that must never be <NA> (null) in an alert about a real process. */
export const NEVER_NA = ['proc.name', 'proc.cmdline', 'proc.pname', 'user.name', 'fd.name', 'container.id', 'evt.arg.target', 'evt.arg.linkpath', 'evt.arg.oldpath', 'evt.arg.newpath'];

export function naFields(a: AlertJson): string[] {
  const bad: string[] = [];
  for (const k of NEVER_NA) {
    if (!(k in a.output_fields)) continue;
    const v = a.output_fields[k];
    if (v === null || v === '<NA>' || v === '') bad.push(k);
  }
  // Only container.image.repository may be <NA> (host processes have no image), and the
  // loader-variable rule's variables that were not set (it prints each, not the environment).
  if (a.output.replace(/image=<NA>/g, '').replace(/ (ld_preload|ld_audit|glibc_tunables|gconv_path)=<NA>/g, '').includes('<NA>')) bad.push('output');
  return bad;
}

/**
 * naFields for a container alert outside Kubernetes: the pod fields (ns=, pod=) and a short
 * parent chain (gparent=) may say <NA> there; everything else must not.
 */
export function naFieldsOutsidePods(a: AlertJson): string[] {
  return naFields({ ...a, output: a.output.replace(/ (ns|pod|gparent)=<NA>/g, '') });
}

/** Tracepoints the process's BPF links are attached to (from /proc/PID/fdinfo: tp_name). */
export function linkedTracepoints(pid: number): Set<string> {
  const tps = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (!readlinkSync(`/proc/${pid}/fd/${fd}`).includes('bpf_link')) continue;
      const m = /^tp_name:\s*(\S+)/m.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'));
      if (m) tps.add(m[1]!);
    } catch { /* closed meanwhile */ }
  }
  return tps;
}
