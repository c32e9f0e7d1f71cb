// Enter events synthesized for capture files written from live (exit-only) events: each enter
// parameter comes from the exit parameter of the same name; execve's filename, which the probe
// cannot always read, falls back to the resolved executable path.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EnterSynth } from '../../src/capture/enter-synth.js';
import { renderArgs } from '../../src/events/render.js';
import { ev, i64, u32, i32, str, list, u64 } from '../state/events.js';

/** execve_19 exit (293) with the current table's appended parameters; filename last. */
function execveExit(filename: string, trusted: string) {
  return ev(293, 500, [
    i64(0), str('ls'), list(['-la']), i64(500), i64(500), i64(400), str('/tmp'), u64(1024), u64(0), u64(0),
    u32(0), u32(0), u32(0), str('ls'), list(['cpu=/']), list([]), i32(0), i64(500), i32(0), u32(0),
    u64(0), u64(0), u64(0), u64(42), u64(0), u64(0), u32(0), str(trusted), i64(500), u32(0), str(filename),
  ]);
}

test('execve enter takes the filename the probe read', () => {
  const e = new EnterSynth().enterFor(execveExit('/bin/ls', '/usr/bin/ls'));
  assert.ok(e);
  assert.equal(e.type, 292);
  assert.equal(renderArgs(e), 'filename=/bin/ls ');
});

test('execve enter falls back to the trusted executable path when the filename is empty', () => {
  const e = new EnterSynth().enterFor(execveExit('', '/usr/bin/ls'));
  assert.ok(e);
  assert.equal(renderArgs(e), 'filename=/usr/bin/ls ');
});

test('an enter parameter no exit parameter names is written empty', () => {
  // accept4 exit (249) carries no flags: the enter's flags stay empty (NULL)
  const x = ev(249, 500, [i64(5), Buffer.alloc(0), Buffer.from([0]), u32(0), u32(4)]);
  const e = new EnterSynth().enterFor(x);
  assert.ok(e);
  assert.equal(e.type, 248);
  assert.equal(e.plen[0], 0);
});
