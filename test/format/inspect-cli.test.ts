// `kestrel inspect` end to end: errors name what is wrong and exit with the documented codes,
// and a filtered rewrite (-w FILTER) is a capture sysdig reads back.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Inspector } from '../../src/state/inspector.js';
import { StateFieldRegistry } from '../../src/state/fields.js';
import { ev, i64, u32 } from '../state/events.js';
import { scapPath } from '../diff/sysdig-oracle.js';

const CLI = fileURLToPath(new URL('../../src/cli/index.js', import.meta.url));
const CAT = scapPath('falco_trace_files_cat_write.scap');

function kestrel(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { timeout: 300_000, killSignal: 'SIGKILL', encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
}

test('a bad format exits 3 with KES_FORMAT and names the token', () => {
  const r = kestrel(['inspect', '-r', CAT, '-p', '%evt.num %proc.nam']);
  assert.equal(r.status, 3);
  assert.match(r.stderr, /proc\.nam/);
  assert.match(r.stderr, /KES_FORMAT/);
  assert.equal(r.stdout, '');
});

test('a bad filter exits 3 with a filter error code and position', () => {
  const r = kestrel(['inspect', '-r', CAT, 'proc.name = cat and']);
  assert.equal(r.status, 3);
  assert.match(r.stderr, /KES_FILTER_PARSE/);
  const u = kestrel(['inspect', '-r', CAT, 'proc.nmae = cat']);
  assert.equal(u.status, 3);
  assert.match(u.stderr, /unknown field 'proc\.nmae'.*proc\.name/);
});

test('-A and -X together are refused', () => {
  const r = kestrel(['inspect', '-r', CAT, '-A', '-X']);
  assert.equal(r.status, 2);
});

test('-w with a filter writes only matching events, readable by sysdig', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-inspect-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'opens.scap');
  const w = kestrel(['inspect', '-r', CAT, '-w', out, 'evt.type = open']);
  assert.equal(w.status, 0, w.stderr);
  const back = kestrel(['inspect', '-r', out, '-p', '%evt.type']);
  assert.equal(back.status, 0, back.stderr);
  const types = new Set(back.stdout.trim().split('\n'));
  assert.deepEqual([...types], ['open']);
  const s = spawnSync('sysdig', ['-r', out, '-p', '%evt.type'], { timeout: 300_000, killSignal: 'SIGKILL', encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  if (s.status === 0) assert.equal(s.stdout.trim().split('\n').length, back.stdout.trim().split('\n').length);
});

test('kestrel fields lists the fields with types', () => {
  const r = kestrel(['fields', 'fd.', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const list = JSON.parse(r.stdout) as { name: string; type: string }[];
  assert.ok(list.some((f) => f.name === 'fd.name' && f.type === 'string'));
  assert.ok(list.every((f) => f.name.startsWith('fd.')));
});

test('users and groups for live capture come from /etc/passwd and /etc/group text', () => {
  const insp = new Inspector(ev(8, 1, [i64(0), u32(1)]));
  insp.seedUsersFromText('root:x:0:0:root:/root:/bin/bash\nalice:x:1001:1001:Alice:/home/alice:/bin/zsh\nbad line\n', 'root:x:0:\nstaff:x:1001:alice\n');
  assert.equal(insp.users.get(1001)?.name, 'alice');
  assert.equal(insp.users.get(1001)?.shell, '/bin/zsh');
  assert.equal(insp.groups.get(1001)?.name, 'staff');
  const reg = new StateFieldRegistry();
  const ctx = insp.process(ev(8, 1, [i64(0), u32(1)]));
  // A thread not in the tables is sinsp's placeholder: uid -1 prints as 4294967295, no name.
  assert.equal(reg.lookup('user.uid')!.extract(ctx, undefined), 4294967295);
  assert.equal(reg.lookup('user.name')!.extract(ctx, undefined), null);
});
