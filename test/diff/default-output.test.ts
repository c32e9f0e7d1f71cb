// `kestrel inspect -r F` against `sysdig -r F` (TZ=UTC): the default line format, JSON (-j),
// the data-buffer modes (-A, -X, -v) and a trailing filter, byte for byte.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { captures, kestrel, scapPath, sysdig, sysdigAvailable } from './sysdig-oracle.js';

const skip = sysdigAvailable() ? false : 'sysdig 0.29.3 not installed';

function firstDiff(a: string, b: string): string {
  const x = a.split('\n'), y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `line ${i + 1}:\n kestrel ${JSON.stringify((x[i] ?? '<none>').slice(0, 300))}\n sysdig  ${JSON.stringify((y[i] ?? '<none>').slice(0, 300))}`;
  }
  return '';
}

function same(args: string[]): void {
  const want = sysdig(args);
  const got = kestrel(['inspect', ...args]);
  assert.ok(got === want, firstDiff(got, want));
}

for (const file of captures()) {
  test(`default output matches sysdig on ${file}`, { skip }, () => {
    same(['-r', scapPath(file)]);
  });
}

const BUFFERS = 'falco_trace_files_cat_write.scap';

test('JSON output (-j) matches sysdig', { skip }, () => {
  same(['-r', scapPath(BUFFERS), '-j']);
  same(['-r', scapPath('libs_e2e_test_ipv6_client.scap'), '-j', '-p', '*%evt.num %proc.name %fd.num %fd.name %evt.failed %user.uid %evt.rawtime']);
});

test('data buffer modes (-A, -X, -v) match sysdig', { skip }, () => {
  same(['-r', scapPath(BUFFERS), '-A']);
  same(['-r', scapPath(BUFFERS), '-X']);
  same(['-r', scapPath(BUFFERS), '-v']);
});

test('a trailing filter selects the same lines as sysdig', { skip }, () => {
  same(['-r', scapPath(BUFFERS), 'evt.type in (open, read) and fd.name contains lib']);
  same(['-r', scapPath('falco_trace_files_connect_localhost.scap'), 'fd.typechar = 4 or fd.typechar = u']);
});

test('-n counts the events that pass the filter, like sysdig', { skip }, () => {
  same(['-r', scapPath(BUFFERS), '-n', '135']);
  same(['-r', scapPath(BUFFERS), '-n', '3', 'evt.type = open']);
});

test('a format without * skips events with missing fields, like sysdig', { skip }, () => {
  same(['-r', scapPath('libs_sample.scap'), '-p', '%evt.num %fd.name %proc.pname']);
});

test('field width (%NNfield) pads like sysdig', { skip }, () => {
  same(['-r', scapPath(BUFFERS), '-p', '[%12proc.name][%3evt.cpu][%20fd.name]']);
});
