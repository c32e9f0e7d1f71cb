// Round trip through the real CLI and the real oracle: `kestrel inspect -r X -w Y`, then
// sysdig 0.29.3 must print exactly the same lines for Y as for X.
import { test } from 'node:test';
import { SHARED_DIR } from '../support/shared-dir.js';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScapReader } from '../../src/capture/scap-reader.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = join(ROOT, 'bin/kestrel.js');
const DATA = SHARED_DIR + '/data/scap';
const UNREADABLE_BY_SYSDIG = new Set(['libs_e2e_curl_google_comments.scap']);
const FILES = readdirSync(DATA).filter((f) => f.endsWith('.scap') && !UNREADABLE_BY_SYSDIG.has(f)).sort();
// A wide -p format: process/thread state from PL/FDL/UL (fd.dev excluded: sysdig prints
// uninitialised memory for it).
const RICH = '*%evt.num %evt.rawtime %evt.cpu %evt.dir %evt.type %proc.name %proc.pid %proc.ppid %proc.exe ' +
  '%proc.args %proc.cwd %proc.exepath %thread.tid %proc.vpid %proc.sid %fd.num %fd.name %fd.type %fd.l4proto ' +
  '%user.name %user.uid %user.homedir %user.shell %group.name %container.id %evt.rawres %proc.env %evt.args';

// The wide comparison on the captures with the most process/fd state (keeps the file fast).
const RICH_FILES = new Set(['falco_trace_files_cat_write.scap', 'falco_trace_files_connect_localhost.scap',
  'libs_e2e_test_ipv6_client.scap', 'libs_sample.scap', 'falco_trace_files_psp_privileged.scap']);

const tmp = mkdtempSync(join(tmpdir(), 'kes-roundtrip-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

function sysdig(file: string, args: string[] = []): string {
  return execFileSync('sysdig', ['-r', file, ...args], { timeout: 300_000, killSignal: 'SIGKILL', env: { ...process.env, TZ: 'UTC' }, maxBuffer: 1 << 28, encoding: 'latin1' });
}

function kestrel(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { timeout: 300_000, killSignal: 'SIGKILL', encoding: 'utf8', maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

for (const f of FILES) {
  test(`round trip ${f}: sysdig prints the same for the rewrite`, () => {
    const src = join(DATA, f);
    const out = join(tmp, f);
    const r = kestrel(['inspect', '-r', src, '-w', out]);
    assert.equal(r.status, 0, r.stderr);
    const a = sysdig(src);
    assert.equal(sysdig(out), a);
    if (RICH_FILES.has(f)) assert.equal(sysdig(out, ['-p', RICH]), sysdig(src, ['-p', RICH]));
  });
}

test('round trip with gzip output (-z) reads back in sysdig and kestrel', () => {
  const src = join(DATA, 'libs_sample.scap');
  const out = join(tmp, 'sample-z.scap');
  assert.equal(kestrel(['inspect', '-r', src, '-w', out, '-z']).status, 0);
  const head = readFileSync(out).subarray(0, 2);
  assert.deepEqual([...head], [0x1f, 0x8b]);
  assert.equal(sysdig(out), sysdig(src));
  // kestrel reads its own gzip output: same event lines as the original.
  assert.equal(kestrel(['inspect', '-r', out]).stdout, kestrel(['inspect', '-r', src]).stdout);
});

test('the SHB-options capture sysdig rejects becomes readable after a kestrel rewrite', () => {
  const src = join(DATA, 'libs_e2e_curl_google_comments.scap');
  assert.notEqual(spawnSync('sysdig', ['-r', src], { timeout: 300_000, killSignal: 'SIGKILL' }).status, 0);
  const out = join(tmp, 'comments.scap');
  assert.equal(kestrel(['inspect', '-r', src, '-w', out]).status, 0);
  const lines = sysdig(out).split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1221); // 1536 events minus 315 hidden procinfo events
});

test('-n limits the rewrite', async () => {
  const src = join(DATA, 'falco_trace_files_cat_write.scap');
  const out = join(tmp, 'first10.scap');
  assert.equal(kestrel(['inspect', '-r', src, '-w', out, '-n', '10']).status, 0);
  const r = await ScapReader.open(out);
  let n = 0;
  while (await r.nextBatch(() => { n++; })) { /* */ }
  await r.close();
  assert.equal(n, 10);
  assert.equal(r.header.procs.length, 73);
});

test('-q decodes everything and prints nothing', () => {
  const r = kestrel(['inspect', '-r', join(DATA, 'libs_sample.scap'), '-q']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
});

test('inspect errors map to exit codes', () => {
  assert.equal(kestrel(['inspect', '-r', join(DATA, 'libs_sample.scap'), '-n', 'many']).status, 2);
  assert.equal(kestrel(['inspect', '-r', '/nonexistent.scap']).status, 1);
  const bad = join(tmp, 'bad.scap');
  execFileSync('sh', ['-c', `head -c 1000 ${join(DATA, 'libs_sample.scap')} > ${bad}`], { timeout: 300_000, killSignal: 'SIGKILL' });
  const r = kestrel(['inspect', '-r', bad]);
  assert.equal(r.status, 3);
  assert.match(r.stderr, /KES_SCAP_CORRUPT/);
  assert.match(r.stderr, /offset \d+/);
});
