// The disk spool: order, offsets across reopen, size cap, torn last line.
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Spool } from '../../src/outputs/spool.js';
import { tmpdir } from './helpers.js';

function drain(s: Spool, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = s.peek();
    if (!r) break;
    out.push(r.line);
    s.advance(r.bytes);
  }
  return out;
}

test('append, replay in order, resume after reopen, truncate when empty', () => {
  const p = path.join(tmpdir(), 's.spool');
  let s = new Spool(p, 1 << 20);
  assert.equal(s.append(['a', 'b', 'c', 'd']), 4);
  assert.equal(s.count, 4);
  assert.deepEqual(drain(s, 2), ['a', 'b']);
  s.close();
  s = new Spool(p, 1 << 20); // a restart
  assert.equal(s.count, 2);
  assert.deepEqual(drain(s, 10), ['c', 'd']);
  assert.equal(s.count, 0);
  assert.equal(statSync(p).size, 0);
  assert.equal(readFileSync(p + '.offset', 'utf8'), '0');
  s.close();
});

test('max size: what does not fit is refused (the caller counts it)', () => {
  const p = path.join(tmpdir(), 'cap.spool');
  const s = new Spool(p, 10);
  assert.equal(s.append(['1234', '5678', 'abcd']), 2); // 5 + 5 bytes fit, the third does not
  assert.equal(s.bytes, 10);
  s.close();
});

test('a torn last line (crash mid-append) is skipped, long lines are read whole', () => {
  const p = path.join(tmpdir(), 'torn.spool');
  let s = new Spool(p, 1 << 24);
  const long = 'x'.repeat(200_000);
  s.append(['first', long]);
  s.close();
  appendFileSync(p, 'partial-without-newline');
  s = new Spool(p, 1 << 24);
  const got = drain(s, 10);
  assert.deepEqual(got.slice(0, 2), ['first', long]);
  assert.equal(got[2], '');
  assert.equal(s.peek(), null);
  s.close();
});
