// A benign workload under live detection with kestrel's default rules raises no alert:
// installing and removing a local .deb with dpkg, `npm install` of a tiny local project,
// compiling a C program, git operations on a local repository, a local HTTP server under
// load from curl and node, and read-only account queries, dd into a file, reading its own
// environment. Everything runs in one session; any default-rule alert
// whose process belongs to it is a false positive.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { Kestrel, session } from './harness.js';

const W = mkdtempSync('/var/lib/kestrel-benign-');
const PKG = `kestrel-e2e-hello-${process.pid}`;

function prepare(): void {
  // A .deb with a program, a conffile in /etc and maintainer scripts.
  const root = join(W, 'deb');
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(join(root, 'usr/local/bin'), { recursive: true });
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'DEBIAN/control'), `Package: ${PKG}\nVersion: 1.0\nArchitecture: all\nMaintainer: kestrel tests <t@example.invalid>\nDescription: kestrel benign workload test package\n`);
  writeFileSync(join(root, 'DEBIAN/conffiles'), `/etc/${PKG}.conf\n`);
  writeFileSync(join(root, 'DEBIAN/postinst'), `#!/bin/sh\nset -e\nchmod 0755 /usr/local/bin/${PKG}\ngrep -q greeting /etc/${PKG}.conf\n`);
  writeFileSync(join(root, 'DEBIAN/prerm'), '#!/bin/sh\nset -e\ntrue\n');
  chmodSync(join(root, 'DEBIAN/postinst'), 0o755);
  chmodSync(join(root, 'DEBIAN/prerm'), 0o755);
  writeFileSync(join(root, `usr/local/bin/${PKG}`), '#!/bin/sh\necho hello\n');
  chmodSync(join(root, `usr/local/bin/${PKG}`), 0o755);
  writeFileSync(join(root, `etc/${PKG}.conf`), 'greeting=hello\n');

  // An npm project with a local dependency that has a postinstall script.
  mkdirSync(join(W, 'npm/dep'), { recursive: true });
  mkdirSync(join(W, 'npm/app'), { recursive: true });
  writeFileSync(join(W, 'npm/dep/package.json'), JSON.stringify({ name: 'kestrel-dep', version: '1.0.0', main: 'index.js', scripts: { postinstall: 'node -e "require(\'fs\').writeFileSync(\'installed.txt\', \'ok\')"' } }));
  writeFileSync(join(W, 'npm/dep/index.js'), 'module.exports = () => 42;\n');
  writeFileSync(join(W, 'npm/app/package.json'), JSON.stringify({ name: 'kestrel-app', version: '1.0.0', dependencies: { 'kestrel-dep': 'file:../dep' } }));

  // A C program.
  writeFileSync(join(W, 'hello.c'), '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n');

  // An HTTP server and a node client.
  writeFileSync(join(W, 'server.js'), `const http = require('http');
const s = http.createServer((req, res) => { res.end('ok ' + req.url); });
s.listen(0, '127.0.0.1', () => { require('fs').writeFileSync(process.argv[2], String(s.address().port)); });
setTimeout(() => s.close(), 60000).unref();
process.on('SIGTERM', () => s.close(() => process.exit(0)));
`);
  writeFileSync(join(W, 'client.js'), `const http = require('http');
const port = Number(process.argv[2]); let left = 200, inflight = 0, done = 0;
function one() { if (left === 0) return; left--; inflight++;
  http.get({ host: '127.0.0.1', port, path: '/n' + left, agent: false }, (res) => { res.resume(); res.on('end', () => { inflight--; done++; if (done === 200) process.exit(0); one(); }); }).on('error', (e) => { console.error(e); process.exit(1); }); }
for (let i = 0; i < 8; i++) one();
`);
}

const SCRIPT = `set -e
cd ${W}
# dpkg: build, install, use, remove, purge
dpkg-deb --build --root-owner-group deb ${PKG}.deb > /dev/null
dpkg -i ${PKG}.deb > /dev/null
/usr/local/bin/${PKG} > /dev/null
dpkg --purge ${PKG} > /dev/null
# npm install of a local project (no network)
(cd npm/app && npm install --offline --no-audit --no-fund --loglevel=error > /dev/null)
test -f npm/app/node_modules/kestrel-dep/index.js
# compile a C program
cc -O2 -Wall -o hello hello.c
# git
mkdir repo && cd repo
git init -q . && git config user.email t@example.invalid && git config user.name kestrel
echo one > a.txt && git add a.txt && git commit -qm one
git checkout -qb feature && echo two >> a.txt && git commit -qam two
git checkout -q - && git merge -q --no-edit feature && git log --oneline > /dev/null && git diff HEAD~1 > /dev/null
git gc -q
cd ..
# HTTP server under load from curl and node
node server.js ${W}/port &
SERVER=$!
for i in $(seq 1 50); do [ -s ${W}/port ] && break; sleep 0.1; done
PORT=$(cat ${W}/port)
for i in $(seq 1 100); do curl -s -o /dev/null http://127.0.0.1:$PORT/c$i; done
node client.js $PORT
# a download into a file on the host (the file copy rule is about containers)
curl -s -o ${W}/page http://127.0.0.1:$PORT/dl
kill $SERVER
wait $SERVER || true
# administration the default rules leave alone: read-only account queries, dd into a regular
# file, a process reading its own environment
passwd -S root > /dev/null
chage -l root > /dev/null
dd if=/dev/zero of=${W}/zeros bs=4k count=4 2>/dev/null
head -c1 /proc/self/environ > /dev/null
# Control: one malicious-looking step, so a silent capture cannot pass this test.
head -c1 /etc/shadow > /dev/null
echo workload-done
`;

let k: Kestrel;
before(async () => {
  prepare();
  k = await Kestrel.start();
});
after(async () => {
  await k?.stop();
  rmSync(W, { recursive: true, force: true });
});

test('benign workload (dpkg, npm, cc, git, HTTP server + curl/node) raises no default-rule alert', async () => {
  const r = await session(SCRIPT, 240_000);
  assert.equal(r.code, 0, `workload failed: ${r.stderr}`);
  assert.match(r.stdout, /workload-done/);
  // Give the last events time to go through.
  await new Promise((res) => setTimeout(res, 2000));
  await k.waitFor(() => k.bySession(r.sid).some((a) => a.output_fields['fd.name'] === '/etc/shadow'), 8000);
  const mine = k.bySession(r.sid);
  assert.deepEqual(mine.map((a) => `${a.rule}: ${a.output_fields['proc.cmdline']}`), ['Read sensitive file by unexpected program: head -c1 /etc/shadow']);
});
