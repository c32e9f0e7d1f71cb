// Unit tables for the matchers behind glob/iglob, pmatch and the address operators.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PathPrefixSet, compileGlob, inNet, ipKey, parseIPv4, parseIPv6, parseIpNet, memoize } from '../../src/filter/runtime.js';

test('glob: fnmatch without FNM_PATHNAME', () => {
  const T: readonly (readonly [string, string, boolean])[] = [
    ['*', '', true], ['*', 'anything/at/all', true], ['', '', true], ['', 'x', false], ['?', '', false], ['?', 'a', true],
    ['a*a', 'a', false], ['a*a', 'aa', true], ['a*a', 'abca', true], ['a*b*c', 'axxbyyc', true], ['a*b*c', 'axxbyy', false],
    ['/etc/*', '/etc/a/b', true], ['*.log', '/var/log/x.log', true], ['*.log', '/var/log/x.log.1', false],
    ['[abc]', 'b', true], ['[abc]', 'd', false], ['[a-c]x', 'bx', true], ['[!a-c]x', 'bx', false], ['[^a-c]x', 'dx', true],
    ['[]]', ']', true], ['[!]]', 'a', true], ['[!]]', ']', false], ['[a-]', '-', true], ['[a-]', 'b', false],
    ['[abc', '[abc', true], ['[abc', 'a', false], ['\\*', '*', true], ['\\*', 'a', false], ['a\\?', 'a?', true],
    ['*[0-9]', 'file7', true], ['*[0-9]', 'file', false], ['**', 'x', true], ['*?', '', false], ['*?', 'x', true],
  ];
  for (const [p, s, want] of T) assert.equal(compileGlob(p)(s), want, `${p} ~ ${s}`);
  assert.equal(compileGlob('/ETC/[A-Z]*')('/etc/passwd'), false);
  assert.equal(compileGlob('/ETC/[A-Z]*', true)('/etc/passwd'), true);
});

test('pmatch: component-wise prefixes with glob components (libsinsp path_prefix_search)', () => {
  const s = new PathPrefixSet(['/var/run', '/etc', '/lib', '/usr/lib', '/usr', '/opt/*/bin']);
  const T: readonly (readonly [string, boolean])[] = [
    ['/var/run/docker', true], ['/var/run', true], ['/var/run/', true], ['//var//run//x', true], ['/boot', false],
    ['/var/lib/messages', false], ['/var', false], ['/etc', true], ['/etcx', false], ['/usr/local/bin', true],
    ['/opt/app/bin/tool', true], ['/opt/app/lib/x', false], ['/opt/app', false], ['', false], ['/', false],
  ];
  for (const [p, want] of T) assert.equal(s.match(p), want, p);
  assert.equal(new PathPrefixSet(['/']).match('/anything'), true);
  assert.equal(new PathPrefixSet([]).match('/anything'), false);
});

test('addresses', () => {
  assert.equal(parseIPv4('10.1.2.3'), 0x0a010203);
  for (const bad of ['10.1.2', '10.1.2.3.4', '256.1.1.1', '1..2.3', 'a.b.c.d', '1.2.3.4 ', '1234.1.1.1']) assert.equal(parseIPv4(bad), -1, bad);
  assert.deepEqual([...(parseIPv6('::1') ?? [])], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual([...(parseIPv6('::ffff:1.2.3.4') ?? [])].slice(10), [0xff, 0xff, 1, 2, 3, 4]);
  for (const bad of ['1::2::3', ':::', '12345::', 'g::1', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9']) assert.equal(parseIPv6(bad), null, bad);
  assert.equal(ipKey('2001:db8::1'), ipKey('2001:0DB8:0000::0001'));
  assert.equal(ipKey(Buffer.from([10, 0, 0, 1])), ipKey('10.0.0.1'));
  assert.equal(ipKey(0x0a000001), ipKey('10.0.0.1'));
  assert.equal(ipKey('nope'), null);
  const n = parseIpNet('10.0.0.0/8');
  assert.ok(n !== null);
  assert.equal(inNet('10.255.0.1', n), true);
  assert.equal(inNet('11.0.0.1', n), false);
  assert.equal(inNet('::1', n), false);
  const n6 = parseIpNet('fe80::/10');
  assert.ok(n6 !== null);
  assert.equal(inNet('fe80::1', n6), true);
  assert.equal(inNet('febf::1', n6), true);
  assert.equal(inNet('fec0::1', n6), false);
  assert.equal(inNet('10.0.0.1', n6), false);
  assert.equal(inNet('0.0.0.0', parseIpNet('0.0.0.0/0')!), true);
  for (const bad of ['10.0.0.0/33', '10.0.0.0/', '10.0.0.0/x', 'fe80::/129', 'x/8']) assert.equal(parseIpNet(bad), null, bad);
});

test('memoize returns the same answers and bounds its size', () => {
  let calls = 0;
  const m = memoize((s) => { calls++; return s.startsWith('a'); }, 2);
  assert.equal(m('ab'), true);
  assert.equal(m('ab'), true);
  assert.equal(calls, 1);
  assert.equal(m('b'), false);
  assert.equal(m('c'), false); // cache full: cleared, then stored
  assert.equal(m('ab'), true);
  assert.equal(calls, 4);
});
