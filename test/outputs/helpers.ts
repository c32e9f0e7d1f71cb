// Shared by the outputs tests: alerts and configs.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import type { KestrelConfig } from '../../src/config/schema.js';
import type { Alert, Priority } from '../../src/outputs/alert.js';
import { PRIORITIES } from '../../src/outputs/alert.js';

export function mkAlert(i: number, priority: Priority = PRIORITIES[i % PRIORITIES.length]!): Alert {
  return {
    time: 1767323045000000000n + BigInt(i), rule: 'Test rule ' + (i % 3), priority, source: 'syscall',
    output: `alert number ${i} (proc.name=bash fd.name=/etc/shadow)`,
    outputFields: { 'proc.name': 'bash', 'fd.name': '/etc/shadow', 'test.seq': i },
    tags: ['test'], hostname: 'test-host',
  };
}

/** A config with every output off except what `overrides` turns on. */
export function cfg(overrides: string[]): KestrelConfig {
  // log_stderr off: tests that look at kestrel's log pass a MemoryLogger.
  return loadConfig({ overrides: ['stdout_output.enabled=false', 'syslog_output.enabled=false', 'json_output=true', 'log_stderr=false', ...overrides] }).config;
}

export function tmpdir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'kestrel-out-'));
}

export async function waitFor(cond: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  // At least 60 s: the bound only matters when something is broken, and the full suite runs
  // files in parallel on a small machine, where a few seconds can pass between timer ticks.
  const end = Date.now() + Math.max(timeoutMs, 60_000);
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
