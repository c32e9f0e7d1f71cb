// Compiled conditions against documented Falco/libsinsp semantics: every operator, modifier,
// transformer and val(), null handling, numbers beyond 2^53, addresses, laziness, type errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFilter, compileValueExpr } from '../../src/filter/compile.js';
import { FilterError } from '../../src/filter/errors.js';
import type { FieldValue } from '../../src/filter/field-api.js';
import { ctx, extractCount, makeRegistry } from './registry.js';

const R = makeRegistry();

const BASE: Record<string, FieldValue> = {
  'evt.type': 'openat',
  'evt.num': 18446744073709551615n,
  'evt.res': -2,
  'evt.rawtime': 1700000000123456789n,
  'evt.buffer': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01]),
  'evt.arg[flags]': 'O_RDONLY|O_CLOEXEC',
  'evt.arg[1]': '3',
  'evt.type.is[openat]': true,
  'proc.name': 'myexe',
  'proc.pname': 'MYEXE',
  'proc.exe': '/usr/local/bin/myexe',
  'proc.cmdline': 'myexe -t value --long',
  'proc.args': '-t value --long',
  'proc.argv': ['-nt', 'value', '-x', 'rest', '-q'],
  'proc.pid': 4242,
  'proc.vpid': 4242,
  'proc.tty': 0,
  'proc.cpu': 12.5,
  'proc.env[HOME]': '/root',
  'proc.aname': ['sh', 'bash', 'systemd'],
  'proc.aname[2]': 'bash',
  'fd.name': '/etc/ssh/sshd_config',
  'fd.num': 3,
  'fd.ip': ['10.1.2.3', '192.168.7.9'],
  'fd.sip': '2001:db8::1',
  'fd.cip': Buffer.from([127, 0, 0, 1]),
  'fd.net': ['10.1.2.3', '192.168.7.9'],
  'fd.snet': '2001:db8:0:0:1::5',
  'fd.sport': 22,
  'fd.port': [5000, 22],
  'fd.types': ['file', 'ipv4'],
  'user.uid': 0,
  'container.privileged': true,
  'thread.cap_effective': 'CAP_SYS_ADMIN CAP_NET_RAW',
};

/** [condition, expected] evaluated on BASE. */
const CASES: readonly (readonly [string, boolean])[] = [
  // equality / inequality, strings are case-sensitive
  ['proc.name = myexe', true], ['proc.name == myexe', true], ['proc.name = MYEXE', false],
  ['proc.name != myexe', false], ['proc.name != bash', true], ['proc.name = "myexe"', true],
  // string ordering (lexicographic)
  ['proc.name > 1', true], ['proc.name < 1', false], ['proc.name >= toupper(proc.name)', true], ['proc.name <= val(proc.pname)', false],
  // numbers
  ['proc.pid = 4242', true], ['proc.pid = 0x1092', true], ['proc.pid != 4242', false],
  ['proc.pid < 5000', true], ['proc.pid <= 4242', true], ['proc.pid > 4242', false], ['proc.pid >= 4242', true],
  ['evt.res < 0', true], ['evt.res = -2', true], ['evt.res >= -2', true], ['evt.res > -2', false],
  ['proc.cpu > 12.4', true], ['proc.cpu = 12.5', true], ['proc.cpu < 1e1', false],
  ['proc.tty = 0', true], ['proc.tty != 0', false], ['user.uid = 0', true], ['fd.sport = 22', true],
  // beyond 2^53: exact comparisons on bigint values
  ['evt.num = 18446744073709551615', true], ['evt.num = 18446744073709551614', false],
  ['evt.num > 18446744073709551614', true], ['evt.num > 9007199254740993', true], ['evt.num < 9007199254740993', false],
  ['evt.rawtime = 1700000000123456789', true], ['evt.rawtime = 1700000000123456788', false],
  ['evt.rawtime in (1, 1700000000123456789)', true], ['evt.num in (18446744073709551615)', true],
  ['proc.pid in (1, 2, 4242)', true], ['proc.pid in (1, 2)', false], ['proc.pid intersects (4242)', true],
  // substring operators
  ['proc.cmdline contains "-t value"', true], ['proc.cmdline contains "-T"', false],
  ['proc.cmdline icontains "-T VALUE"', true], ['proc.exe startswith /usr/', true], ['proc.exe startswith usr', false],
  ['proc.exe endswith /myexe', true], ['proc.exe endswith my', false],
  ['thread.cap_effective contains CAP_SYS_ADMIN', true],
  // bytes
  ['evt.buffer bcontains 454c46', true], ['evt.buffer bcontains 454C46', true], ['evt.buffer bcontains 4646', false],
  ['evt.buffer bstartswith 7f45', true], ['evt.buffer bstartswith 45', false],
  ['proc.name bcontains 6578', true], ['proc.name bstartswith 6d79', true], ['proc.name bstartswith 78', false],
  ['evt.buffer contains ELF', true], ['evt.buffer startswith ELF', false],
  // glob: '*' crosses '/', '?' one char, classes, negation, escapes; iglob ignores case
  ['fd.name glob "/etc/*"', true], ['fd.name glob "/etc/*/sshd_config"', true], ['fd.name glob "/etc/ssh"', false],
  ['fd.name glob "/etc/ssh/sshd_confi?"', true], ['fd.name glob "/etc/ssh/sshd_[a-c]onfig"', true],
  ['fd.name glob "/etc/ssh/sshd_[!c]onfig"', false], ['fd.name glob "*config"', true], ['fd.name glob "*conf"', false],
  ['proc.name glob "m\\\\*"', false], ['fd.name glob "/ETC/*"', false], ['fd.name iglob "/ETC/SSH/*"', true],
  // regex: RE2, whole-value match
  ['proc.name regex "my.*"', true], ['proc.name regex "my"', false], ['proc.name regex "[a-z]+"', true],
  ['proc.name regex "myexe|bash"', true], ['proc.name regex "(?i)MYEXE"', true], ['fd.name regex "/etc/.*_config"', true],
  // lists
  ['proc.name in (bash, myexe)', true], ['proc.name in (bash, "my exe")', false], ['proc.name in ()', false],
  ['proc.name in myexe', true], ['proc.name intersects (myexe)', true],
  ['proc.argv in (-nt, value, -x, rest, -q, extra)', true], ['proc.argv in (-nt, value)', false],
  ['proc.argv intersects (nothing, rest)', true], ['proc.argv intersects (nothing)', false], ['proc.argv exists', true],
  ['fd.types in (file, ipv4)', true], ['fd.types intersects (ipv6)', false],
  // pmatch: component-wise prefixes, glob components
  ['fd.name pmatch (/etc)', true], ['fd.name pmatch (/etc/ssh/sshd_config)', true], ['fd.name pmatch (/etc/ss)', false],
  ['fd.name pmatch (/usr, /etc/ssh)', true], ['fd.name pmatch (/etc/ssh/sshd_config/more)', false],
  ['fd.name pmatch (/etc/*/sshd_config)', true], ['fd.name pmatch (/e*)', true], ['fd.name pmatch (/)', true],
  // exists
  ['proc.name exists', true], ['proc.env[HOME] exists', true], ['proc.env[NOPE] exists', false],
  // field arguments
  ['proc.env[HOME] = /root', true], ['evt.arg.flags contains O_RDONLY', true], ['evt.arg[flags] contains O_CLOEXEC', true],
  ['evt.arg[1] = 3', true], ['evt.type.is.openat = true', true], ['proc.aname[2] = bash', true], ['proc.aname[2] = sh', false],
  // fields that match if any of their values match (proc.aname, fd.ip)
  ['proc.aname = systemd', true], ['proc.aname = init', false], ['proc.aname in (init, bash)', true],
  ['proc.aname != sh', true], ['proc.aname startswith sys', true],
  // booleans
  ['container.privileged = true', true], ['container.privileged = false', false], ['container.privileged = 1', true],
  ['container.privileged != false', true], ['container.privileged in (true)', true],
  // addresses
  ['fd.ip = 10.1.2.3', true], ['fd.ip = 192.168.7.9', true], ['fd.ip = 10.1.2.4', false], ['fd.ip in (1.1.1.1, 192.168.7.9)', true],
  // client-or-server fields: `!=` holds only if neither side equals (libsinsp compare_ip/port/net)
  ['fd.ip != 10.1.2.3', false], ['fd.ip != 1.1.1.1', true], ['fd.net != 10.0.0.0/8', false], ['fd.net != 172.16.0.0/12', true],
  ['fd.port = 22', true], ['fd.port = 5000', true], ['fd.port != 22', false], ['fd.port != 80', true], ['fd.port > 4000', true],
  ['fd.port intersects (22, 80)', true], ['fd.port in (22, 5000)', true], ['fd.port in (22)', false],
  ['fd.sip = "2001:db8::1"', true], ['fd.sip = "2001:0db8:0:0:0:0:0:1"', true], ['fd.sip = "2001:db8::2"', false],
  ['fd.sip = 10.1.2.3', false], ['fd.sip != "::1"', true], ['fd.cip = 127.0.0.1', true], ['fd.cip != 127.0.0.1', false],
  ['fd.net = 10.0.0.0/8', true], ['fd.net = 192.168.0.0/16', true], ['fd.net = 172.16.0.0/12', false],
  ['fd.net in (172.16.0.0/12, 192.168.7.0/24)', true], ['fd.net = 10.1.2.3', true],
  ['fd.snet = "2001:db8::/32"', true], ['fd.snet = "2001:db9::/32"', false], ['fd.snet = 10.0.0.0/8', false],
  ['fd.snet != "2001:db9::/32"', true], ['fd.snet = "::/0"', true],
  // boolean structure
  ['proc.name = myexe and proc.pid = 4242', true], ['proc.name = x or proc.pid = 4242', true],
  ['not proc.name = x', true], ['not (proc.name = myexe and proc.pid = 1)', true], ['not not proc.name = myexe', true],
];

/** Conditions on a field that is not available: all false (libsinsp), so `not` makes them true. */
const NULL_CASES: readonly (readonly [string, boolean])[] = [
  ['proc.env[NOPE] = x', false], ['proc.env[NOPE] != x', false], ['proc.env[NOPE] contains x', false],
  ['proc.env[NOPE] in (x)', false], ['proc.env[NOPE] glob "*"', false], ['proc.env[NOPE] regex ".*"', false],
  ['proc.env[NOPE] pmatch (/)', false], ['proc.env[NOPE] exists', false], ['not proc.env[NOPE] exists', true],
  ['not proc.env[NOPE] = x', true], ['not proc.env[NOPE] != x', true], ['proc.env[NOPE] != anyof (a, b)', false],
  ['proc.env[NOPE] = allof ()', false], ['tolower(proc.env[NOPE]) = x', false], ['len(proc.env[NOPE]) = 0', false],
  ['proc.env[NOPE] = val(proc.name)', false], ['proc.name = val(proc.env[NOPE])', false],
  ['proc.name != val(proc.env[NOPE])', false], ['concat(proc.name, proc.env[NOPE]) exists', false],
];

function run(cond: string, extra: Record<string, FieldValue> = {}): boolean {
  return compileFilter(cond, R).match(ctx({ ...BASE, ...extra }));
}

test('every operator on literals', () => {
  for (const [cond, want] of CASES) assert.equal(run(cond), want, cond);
});

test('unavailable fields make every check false (so negations true)', () => {
  for (const [cond, want] of NULL_CASES) {
    assert.equal(run(cond), want, cond);
  }
});

test('oneof / anyof / allof truth tables (libs cmp_operator_modifiers)', () => {
  const t: readonly (readonly [string, boolean])[] = [
    ['proc.name == oneof (myexe, bash)', true], ['proc.name == oneof (myexe)', true], ['proc.name == oneof (bash, sh)', false],
    ['proc.name == oneof (myexe, myexe)', false], ['proc.name == anyof (myexe, bash)', true], ['proc.name == anyof (bash, sh)', false],
    ['proc.name == anyof (myexe, myexe)', true], ['proc.name == allof (myexe)', true], ['proc.name == allof (myexe, bash)', false],
    ['proc.name == allof (myexe, myexe)', true],
    ['proc.name != oneof (myexe, myexe, bash)', true], ['proc.name != oneof (myexe, myexe)', false], ['proc.name != oneof (bash, sh)', false],
    ['proc.name != oneof (myexe, bash)', true], ['proc.name != anyof (bash, sh)', true], ['proc.name != anyof (myexe, bash)', true],
    ['proc.name != allof (bash, sh)', true], ['proc.name != allof (myexe, bash)', false],
    ['proc.name contains oneof (myex, bash)', true], ['proc.name contains oneof (my, exe)', false], ['proc.name contains anyof (my, exe)', true],
    ['proc.name contains allof (my, exe)', true], ['proc.name contains allof (myex, bash)', false],
    ['proc.name icontains oneof (MYEX, BASH)', true], ['proc.name icontains anyof (MY, EXE)', true], ['proc.name icontains allof (MYEX, BASH)', false],
    ['proc.name startswith oneof (my, bash)', true], ['proc.name startswith oneof (my, mye)', false], ['proc.name startswith allof (my, mye)', true],
    ['proc.name endswith oneof (exe, sh)', true], ['proc.name endswith oneof (exe, yexe)', false], ['proc.name endswith allof (exe, yexe)', true],
    ['proc.name glob oneof (my*, bash)', true], ['proc.name glob oneof (my*, *exe)', false], ['proc.name glob allof (my*, *exe)', true],
    ['proc.name iglob oneof (MY*, BASH)', true], ['proc.name iglob anyof (MY*, *EXE)', true], ['proc.name iglob allof (BASH, SH*)', false],
    ['proc.name regex oneof ("my.*", "b.*")', true], ['proc.name regex oneof ("my.*", ".*exe")', false], ['proc.name regex allof ("my.*", ".*exe")', true],
    ['toupper(proc.name) == oneof (MYEXE, BASH)', true], ['toupper(proc.name) != oneof (MYEXE, BASH)', true],
    ['toupper(proc.name) != allof (BASH, SH)', true], ['toupper(proc.name) != allof (MYEXE, BASH)', false],
    ['proc.name == oneof (myexe) and proc.name != allof (bash, sh)', true],
    ['proc.name == anyof (myexe, bash) or proc.name != oneof (myexe)', true],
    ['proc.name == oneof ()', false], ['proc.name == anyof ()', false], ['proc.name == allof ()', false],
    ['proc.name != oneof ()', false], ['proc.name != anyof ()', false], ['proc.name != allof ()', false],
    ['evt.buffer bcontains anyof (0000, 454c)', true], ['proc.pid = anyof (1, 4242)', true],
  ];
  for (const [cond, want] of t) assert.equal(run(cond), want, cond);
});

test('transformers', () => {
  const t: readonly (readonly [string, boolean])[] = [
    ['tolower(proc.pname) = myexe', true], ['toupper(proc.name) = MYEXE', true], ['toupper(proc.name) = myexe', false],
    ['tolower(proc.pname) = val(proc.name)', true], ['proc.name = tolower(proc.pname)', true], ['proc.pname = toupper(proc.name)', true],
    ['basename(proc.exe) = myexe', true], ['basename(fd.name) = sshd_config', true], ['basename(basename(proc.exe)) = myexe', true],
    ['len(proc.name) = 5', true], ['len(proc.name) > 4', true], ['len(proc.argv) = 5', true], ['len(evt.buffer) = 6', true],
    ['len(proc.env[HOME]) = 5', true], ['len(tolower(proc.pname)) = len(proc.name)', true],
    ['b64(proc.env[B64]) = "hello world"', true], ['b64(proc.env[NOTB64]) exists', false],
    ['toupper(b64(proc.env[B64])) = "HELLO WORLD"', true],
    ['join(",", proc.argv) = "-nt,value,-x,rest,-q"', true], ['join(" ", proc.argv) contains "-x rest"', true],
    ['join("", (a, b, c)) = abc', true], ['len(join("-", proc.argv)) = 20', true],
    ['concat(proc.name, "-", proc.pname) = myexe-MYEXE', true], ['concat(proc.name, proc.env[HOME]) = myexe/root', true],
    ['concat(proc.name, proc.env[NOPE]) exists', false],
    // getopt: "-nt value": -n (no arg), -t takes "value"; stops at the first non-option ("rest")
    ['getopt(proc.argv, nt:)[t] = value', true], ['getopt(proc.argv, nt:)[n] = n', true], ['getopt(proc.argv, nt:x)[x] = x', true],
    ['getopt(proc.argv, nt:q)[q] exists', false], ['getopt(proc.argv, "n")[t] exists', false],
    ['join(",", getopt(proc.argv, nt:x)) = "n,t,value,x"', true], ['join(",", getopt(proc.argv, n)) = "n,?"', true],
    ['getopt(proc.argv, nt:) intersects (value)', true],
  ];
  const extra = { 'proc.env[B64]': 'aGVsbG8gd29ybGQ=', 'proc.env[NOTB64]': 'not base64!' };
  for (const [cond, want] of t) assert.equal(run(cond, extra), want, cond);
  // getopt edge cases on a list: "--" ends options, long options are skipped, a missing argument reads "".
  const g = (argv: string[], cond: string): boolean => run(cond, { 'proc.argv': argv });
  assert.equal(g(['-a', '--', '-t', 'x'], 'getopt(proc.argv, at:)[t] exists'), false);
  assert.equal(g(['--long', '-t', 'x'], 'getopt(proc.argv, at:)[t] = x'), true);
  assert.equal(g(['-tx'], 'getopt(proc.argv, at:)[t] = x'), true);
  assert.equal(g(['-t'], 'getopt(proc.argv, at:)[t] = ""'), true);
  assert.equal(g(['-t', '1', '-t', '2'], 'getopt(proc.argv, t:)[t] = 2'), true);
});

test('val(): field-to-field comparisons', () => {
  const extra = { 'proc.env[A]': 'myexe', 'proc.env[B]': 'exe', 'proc.env[P]': '/usr/local/bin/*' };
  const t: readonly (readonly [string, boolean])[] = [
    ['proc.name = val(proc.env[A])', true], ['proc.name != val(proc.env[A])', false], ['proc.name != val(proc.pname)', true],
    ['proc.name contains val(proc.env[B])', true], ['proc.name endswith val(proc.env[B])', true], ['proc.name startswith val(proc.env[B])', false],
    ['proc.exe glob val(proc.env[P])', true], ['proc.pid = val(proc.vpid)', true], ['proc.pid > val(fd.num)', true],
    ['proc.pid < val(fd.num)', false], ['proc.name in val(proc.argv)', false], ['proc.env[B] in val(proc.argv)', false],
  ];
  for (const [cond, want] of t) assert.equal(run(cond, extra), want, cond);
  assert.equal(run('proc.name in val(proc.argv)', { 'proc.argv': ['x', 'myexe'] }), true);
});

test('a field with an optional argument, used without it, matches if one of its values does', () => {
  // proc.env takes an optional key and is not declared matchAny in the test registry: without
  // the key it returns several values here, like proc.aname without an index.
  const extra = { 'proc.env': ['HOME=/root', 'SHELL=/bin/bash'] };
  assert.equal(run('proc.env = "SHELL=/bin/bash"', extra), true);
  assert.equal(run('proc.env in ("X=1", "HOME=/root")', extra), true);
  assert.equal(run('proc.env = nope', extra), false);
  assert.equal(run('proc.env != "HOME=/root"', extra), true);
  assert.equal(run('proc.env startswith SHELL', extra), true);
  assert.equal(run('proc.env = val(proc.env[X])', { ...extra, 'proc.env[X]': 'HOME=/root' }), true);
  assert.equal(run('tolower(proc.env) contains bash', { 'proc.env': ['A=B', 'S=/BIN/BASH'] }), true);
});

test('list fields: `in` needs every value in the set (vacuously true when empty), `intersects` one', () => {
  assert.equal(run('proc.argv in (a, b)', { 'proc.argv': ['a', 'b', 'a'] }), true);
  assert.equal(run('proc.argv in (a, b)', { 'proc.argv': ['a', 'c'] }), false);
  assert.equal(run('proc.argv in (a, b)', { 'proc.argv': [] }), true);
  assert.equal(run('proc.argv intersects (a, b)', { 'proc.argv': [] }), false);
  assert.equal(run('proc.argv exists', { 'proc.argv': null }), false);
  assert.equal(run('proc.argv in (a)', { 'proc.argv': null }), false);
  // Other operators (refused by libsinsp on list fields) hold if they hold for one value.
  assert.equal(run('proc.argv = b', { 'proc.argv': ['a', 'b'] }), true);
  // ...except `!=`, true only if no value equals: `x != v` is `not x = v` on an available list.
  assert.equal(run('proc.argv != a', { 'proc.argv': ['a', 'b'] }), false);
  assert.equal(run('proc.argv != a', { 'proc.argv': ['b', 'c'] }), true);
  assert.equal(run('proc.argv != anyof (a, z)', { 'proc.argv': ['a', 'b'] }), true);
  assert.equal(run('proc.argv startswith -', { 'proc.argv': ['x', '-v'] }), true);
  assert.equal(run('proc.argv = anyof (z, b)', { 'proc.argv': ['a', 'b'] }), true);
  assert.equal(run('proc.argv = val(proc.name)', { 'proc.argv': ['a', 'myexe'] }), true);
  assert.equal(run('getopt(proc.argv, "t:") = value', { 'proc.argv': ['-t', 'value'] }), true);
});

test('each field is extracted at most once per evaluation, and only if needed', () => {
  const f = compileFilter('(proc.name = a or proc.name = b or proc.name contains exe) and proc.pid = 4242 and proc.cmdline exists', R);
  extractCount.clear();
  assert.equal(f.match(ctx(BASE)), true);
  assert.deepEqual(Object.fromEntries(extractCount), { 'proc.name': 1, 'proc.pid': 1, 'proc.cmdline': 1 });
  extractCount.clear();
  assert.equal(f.match(ctx({ ...BASE, 'proc.name': 'zzz' })), false);
  assert.deepEqual(Object.fromEntries(extractCount), { 'proc.name': 1 });
  // The same field with different arguments is two slots.
  const g = compileFilter('proc.env[A] = x or proc.env[B] = y or proc.env[A] = z', R);
  extractCount.clear();
  g.match(ctx(BASE));
  assert.equal(extractCount.get('proc.env'), 2);
  assert.deepEqual(g.fields, ['proc.env']);
  // Nothing is cached across evaluations.
  const h = compileFilter('proc.name = a', R);
  assert.equal(h.match(ctx({ 'proc.name': 'a' })), true);
  assert.equal(h.match(ctx({ 'proc.name': 'b' })), false);
});

/** [condition, code, exact message] */
const TYPE_ERRORS: readonly (readonly [string, string, string])[] = [
  ['proc.nme = x', 'KES_FILTER_FIELD', "unknown field 'proc.nme'; did you mean 'proc.name'? at 1:1"],
  ['zzz.qqq.www = x', 'KES_FILTER_FIELD', "unknown field 'zzz.qqq.www' at 1:1"],
  ['proc.name[1] = x', 'KES_FILTER_FIELD', "field 'proc.name' does not take an argument at 1:1"],
  ['evt.arg = x', 'KES_FILTER_FIELD', "field 'evt.arg' requires an argument, e.g. evt.arg[...] at 1:1"],
  ['proc.aname[x] = y', 'KES_FILTER_FIELD', "argument of 'proc.aname' must be a non-negative integer, got 'x' at 1:12"],
  ['evt.arg.flags[x] = y', 'KES_FILTER_FIELD', "field 'evt.arg' got two arguments ('flags' and 'x') at 1:1"],
  ['proc.pid contains 1', 'KES_FILTER_TYPE', "operator 'contains' cannot be used on proc.pid (int64) at 1:10"],
  ['proc.pid glob "1*"', 'KES_FILTER_TYPE', "operator 'glob' cannot be used on proc.pid (int64) at 1:10"],
  ['container.privileged < 1', 'KES_FILTER_TYPE', "operator '<' cannot be used on container.privileged (bool) at 1:22"],
  ['proc.pid = abc', 'KES_FILTER_TYPE', "'abc' is not an integer (proc.pid is int64) at 1:12"],
  ['proc.pid = 1.5', 'KES_FILTER_TYPE', "'1.5' is not an integer (proc.pid is int64) at 1:12"],
  ['proc.pid in (1, x)', 'KES_FILTER_TYPE', "'x' is not an integer (proc.pid is int64) at 1:17"],
  ['proc.cpu = x', 'KES_FILTER_TYPE', "'x' is not a number (proc.cpu is double) at 1:12"],
  ['container.privileged = yes', 'KES_FILTER_TYPE', "'yes' is not a boolean (true, false, 1, 0) for container.privileged at 1:24"],
  ['proc.name bcontains zz', 'KES_FILTER_TYPE', "'bcontains' needs hex bytes (such as 7f454c46), got 'zz' for proc.name at 1:21"],
  ['evt.buffer bstartswith abc', 'KES_FILTER_TYPE', "'bstartswith' needs hex bytes (such as 7f454c46), got 'abc' for evt.buffer at 1:24"],
  ['proc.name regex "a("', 'KES_FILTER_TYPE', "invalid regex 'a(': missing ): a( at 1:17"],
  ['proc.name regex "a)|(b"', 'KES_FILTER_TYPE', "invalid regex 'a)|(b': unexpected ): a)|(b at 1:17"],
  ['fd.ip = 10.0.0.0/8', 'KES_FILTER_TYPE', "'10.0.0.0/8' is not an IP address; fd.ip is an address, compare networks with a network field such as fd.net at 1:9"],
  ['fd.ip = 300.1.1.1', 'KES_FILTER_TYPE', "'300.1.1.1' is not an IP address at 1:9"],
  ['fd.net = 10.0.0.0/33', 'KES_FILTER_TYPE', "'10.0.0.0/33' is not an IP network (such as 10.0.0.0/8) for fd.net at 1:10"],
  ['fd.ip contains 10', 'KES_FILTER_TYPE', "operator 'contains' cannot be used on fd.ip (ipaddr) at 1:7"],
  ['evt.type = opn', 'KES_FILTER_TYPE', "unknown event type 'opn' at 1:12"],
  ['evt.type in (open, nope)', 'KES_FILTER_TYPE', "unknown event type 'nope' at 1:20"],
  ['proc.name = val(proc.pid)', 'KES_FILTER_TYPE', 'cannot compare proc.name (string) with val(proc.pid) (int64) at 1:13'],
  ['proc.name regex val(proc.pname)', 'KES_FILTER_TYPE', "operator 'regex' doesn't support right-hand side fields at 1:17"],
  ['fd.name pmatch val(proc.pname)', 'KES_FILTER_TYPE', "operator 'pmatch' doesn't support right-hand side fields at 1:16"],
  ['fd.net = val(fd.ip)', 'KES_FILTER_TYPE', 'fd.net (ipnet) doesn\'t support right-hand side fields at 1:10'],
  ['proc.name = val(proc.aname)', 'KES_FILTER_TYPE', "field 'proc.aname' can't be used as a right-hand side field at 1:13"],
  ['proc.name = val(proc.argv)', 'KES_FILTER_TYPE', "operator '=' needs a single value on the right-hand side, got a list at 1:13"],
  ['tolower(proc.aname) = x', 'KES_FILTER_TYPE', "field 'proc.aname' cannot be used in a transformer at 1:9"],
  ['tolower(proc.pid) = x', 'KES_FILTER_TYPE', "tolower() needs a string argument, proc.pid is int64 at 1:9"],
  ['tolower(proc.name, proc.pname) = x', 'KES_FILTER_TYPE', 'tolower() takes exactly 1 argument, got 2 at 1:1'],
  ['tolower("X") = x', 'KES_FILTER_TYPE', 'tolower() needs a field or a transformer as argument at 1:9'],
  ['tolower(proc.name)[1] = x', 'KES_FILTER_TYPE', "transformer 'tolower' does not take an argument at 1:1"],
  ['len(proc.pid) = 1', 'KES_FILTER_TYPE', 'len() needs a string, bytes or a list, proc.pid is int64 at 1:5'],
  ['join(proc.argv, proc.argv) = x', 'KES_FILTER_TYPE', 'join() first argument (separator) must be a single string at 1:6'],
  ['join(",", proc.name) = x', 'KES_FILTER_TYPE', 'join() second argument must be a list, proc.name is string at 1:11'],
  ['concat(proc.name) = x', 'KES_FILTER_TYPE', 'concat() takes at least 2 arguments, got 1 at 1:1'],
  ['concat(proc.name, proc.pid) = x', 'KES_FILTER_TYPE', 'concat() arguments must be strings, proc.pid is int64 at 1:19'],
  ['getopt(proc.name, "t:")[t] = x', 'KES_FILTER_TYPE', 'getopt() first argument must be a list of strings, proc.name is string at 1:8'],
  ['getopt(proc.argv, "t:")[tt] = x', 'KES_FILTER_TYPE', "getopt() field argument must be a single option character, got 'tt' at 1:25"],
  ['proc.name = x and mymacro', 'KES_FILTER_PARSE', "undefined macro 'mymacro' used in filter at 1:19"],
];

test('field and type errors: exact messages with positions', () => {
  for (const [cond, code, message] of TYPE_ERRORS) {
    assert.throws(() => compileFilter(cond, R), (e: unknown) => {
      assert.ok(e instanceof FilterError, `${cond}: ${String(e)}`);
      assert.equal(e.code, code, cond);
      assert.equal(e.message, message, cond);
      return true;
    });
  }
});

test('macros passed to compileFilter, errors inside a macro name it', () => {
  const macros = { shell: 'proc.name in (bash, myexe)', bad: 'proc.pid contains 1', constructor: 'proc.name = x' };
  assert.equal(compileFilter('shell and not proc.pid = 1', R, { macros }).match(ctx(BASE)), true);
  assert.throws(() => compileFilter('shell and bad', R, { macros }), { code: 'KES_FILTER_TYPE', message: "operator 'contains' cannot be used on proc.pid (int64) at 1:10 (in macro 'bad')" });
  // Only own properties are macros: `toString` is not one even though every object has it.
  assert.throws(() => compileFilter('toString', R, { macros }), { message: "undefined macro 'toString' used in filter at 1:1" });
  assert.equal(compileFilter('constructor', R, { macros }).match(ctx(BASE)), false);
});

test('compileValueExpr evaluates fields and transformers for outputs', () => {
  const c = ctx(BASE);
  assert.equal(compileValueExpr('proc.name', R).eval(c), 'myexe');
  assert.equal(compileValueExpr('toupper(proc.name)', R).eval(c), 'MYEXE');
  assert.equal(compileValueExpr('proc.aname[2]', R).eval(c), 'bash');
  assert.equal(compileValueExpr('proc.env[NOPE]', R).eval(c), null);
  const l = compileValueExpr('len(proc.argv)', R);
  assert.equal(l.eval(c), 5);
  assert.equal(l.type, 'uint64');
  const g = compileValueExpr('getopt(proc.argv, nt:)', R);
  assert.deepEqual(g.eval(c), ['n', 't', 'value', '?']);
  assert.equal(g.isList, true);
  assert.throws(() => compileValueExpr('proc.nope', R), { code: 'KES_FILTER_FIELD' });
});
