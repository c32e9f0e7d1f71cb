// Shared helpers of the kernel (driver) tests: build the trigger program, run it while the
// real probe captures, and decode the captured events' parameters.

import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LiveSource } from '../../src/capture/live-source.js';
import { buildC } from '../support/build-c.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Source dir of the test helpers (test/driver/helpers), from dist/test/driver. */
export const HELPERS_SRC = resolve(here, '../../../test/driver/helpers');

/** Compiles helpers/<name>.c once per source change; returns the binary path. */
export function buildHelper(name: string): string {
  return buildC(join(HELPERS_SRC, `${name}.c`), name, ['-O1']);
}

const PID_MAX = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8').trim());
/** Where the kernel restarts allocating pids after reaching pid_max (RESERVED_PIDS). */
const PID_WRAP_START = 300;

/**
 * True when `tid` was allocated within `span` pids after `pid`, counting across the wrap at
 * pid_max: on a busy machine (CI) the helper may be pid 32700 and its child pid 300.
 */
export function allocatedAfter(tid: number, pid: number, span: number): boolean {
  const d = tid >= pid ? tid - pid : tid >= PID_WRAP_START ? PID_MAX - pid + (tid - PID_WRAP_START) : -1;
  return d >= 0 && d < span;
}

/** The helper and the children, threads and grandchildren it starts (within 500 pids). */
export const nearPid = (tid: number, pid: number): boolean => allocatedAfter(tid, pid, 500);

export interface Captured {
  type: number;
  tid: number;
  ts: bigint;
  /** Raw parameter bytes, in order. */
  params: Buffer[];
}

export interface RunResult {
  pid: number;
  code: number | null;
  stdout: string;
  /** "action value" lines printed by the trigger. */
  results: Array<[string, number]>;
  events: Captured[];
}

/**
 * Runs `bin args` while `src` captures; collects the events of the child's tgid (by tid, or
 * by pid for multi-threaded children via `alsoTids`) until its procexit arrives (or
 * timeoutMs). Events are copied out of the reused view.
 */
export async function runCaptured(src: LiveSource, bin: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; matchTids?: (tid: number, pid: number) => boolean } = {}): Promise<RunResult> {
  // Flush whatever is pending from earlier activity.
  await src.nextBatch(() => {});
  const child = spawn(bin, args, { timeout: 300_000, killSignal: 'SIGKILL', cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = child.pid!;
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  const events: Captured[] = [];
  const match = opts.matchTids ?? ((tid: number, p: number) => tid === p);
  const deadline = Date.now() + (opts.timeoutMs ?? 15000);
  let sawExit = false;
  let code: number | null = null;
  let exitedFlag = false;
  void exited.then((c) => { code = c; exitedFlag = true; });
  while (Date.now() < deadline && !(sawExit && exitedFlag)) {
    await src.nextBatch((ev) => {
      if (!match(ev.tid, pid)) return;
      const params: Buffer[] = [];
      for (let i = 0; i < ev.nparams; i++) params.push(Buffer.from(ev.buf.subarray(ev.poff[i]!, ev.poff[i]! + ev.plen[i]!)));
      events.push({ type: ev.type, tid: ev.tid, ts: ev.ts(), params });
      if (ev.type === 186 && ev.tid === pid) sawExit = true;
    });
  }
  if (!exitedFlag) code = await exited;
  const results: Array<[string, number]> = stdout.trim().split('\n').filter(Boolean).map((l) => {
    const [a, v] = l.split(' ');
    return [a!, Number(v)];
  });
  return { pid, code, stdout, results, events };
}

/** `bpftool ARGS -j` parsed. bpftool can fail when an object of a concurrently running test
 * disappears between its id walk and its lookup: it is retried. */
export function bpftoolJson<T>(args: string[]): T {
  let last: unknown;
  for (let i = 0; i < 10; i++) {
    try {
      return JSON.parse(execFileSync('bpftool', [...args, '-j'], { timeout: 300_000, killSignal: 'SIGKILL', stdio: ['ignore', 'pipe', 'ignore'] }).toString()) as T;
    } catch (e) { last = e; }
  }
  throw last;
}

export const i64 = (b: Buffer): number => Number(b.readBigInt64LE(0));
export const u64 = (b: Buffer): bigint => b.readBigUInt64LE(0);
export const u32 = (b: Buffer): number => b.readUInt32LE(0);
export const i32 = (b: Buffer): number => b.readInt32LE(0);
export const u16 = (b: Buffer): number => b.readUInt16LE(0);
export const u8 = (b: Buffer): number => b.readUInt8(0);
/** CHARBUF/FSPATH: the string without its NUL. */
export const str = (b: Buffer): string => {
  const s = b.toString('utf8');
  return s.endsWith('\0') ? s.slice(0, -1) : s;
};
/** NUL-separated BYTEBUF as a list. */
export const strs = (b: Buffer): string[] => {
  const s = b.toString('utf8');
  const parts = s.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
};
