// The /proc snapshot taken at live start: a helper process holding a TCP listener, a
// connected TCP pair, a unix listener, a pipe, an eventfd, a file and a directory is found
// with its thread fields and every one of those fds typed and named.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { snapshotProc } from '../../src/capture/proc-snapshot.js';
import { FdType } from '../../src/capture/types.js';

const PY = `
import socket, os, sys, time
d = sys.argv[1]
srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(5)
cli = socket.create_connection(srv.getsockname()); acc, _ = srv.accept()
us = socket.socket(socket.AF_UNIX); us.bind(d + '/u.sock'); us.listen(1)
r, w = os.pipe()
efd = os.eventfd(0)
f = open(d + '/file.txt', 'w')
dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
print(srv.getsockname()[1], cli.getsockname()[1], srv.fileno(), cli.fileno(), acc.fileno(), us.fileno(), r, w, efd, f.fileno(), dfd, flush=True)
time.sleep(30)
`;

test('snapshot: threads, users, groups, interfaces, and typed fds of a live process', async () => {
  const d = mkdtempSync(join(tmpdir(), 'kes-snap-'));
  const child = spawn('python3', ['-c', PY, d], { timeout: 300_000, killSignal: 'SIGKILL', cwd: d, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    // the whole first line (a pipe may deliver it in pieces)
    const line = await new Promise<string>((res) => {
      let acc = '';
      const on = (b: Buffer) => { acc += b.toString(); if (acc.includes('\n')) { child.stdout!.off('data', on); res(acc.split('\n')[0]!); } };
      child.stdout!.on('data', on);
    });
    const [port, cport, srvFd, cliFd, accFd, usFd, rFd, wFd, eFd, fFd, dFd] = line.trim().split(' ').map(Number) as number[];
    const h = await snapshotProc();
    const pid = child.pid!;
    const p = h.procs.find((x) => x.tid === pid);
    assert.ok(p, 'the helper is in the snapshot');
    assert.equal(p.pid, pid);
    assert.equal(p.ptid, process.pid);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0');
    assert.equal(p.comm, readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
    assert.equal(p.exe, cmdline[0], 'exe = argv[0]');
    assert.equal(p.args[0], '-c');
    assert.equal(p.cwd, d);
    assert.equal(p.uid, userInfo().uid);
    assert.equal(p.vpid, pid);
    assert.ok(/python3/.test(p.exepath), p.exepath);
    assert.ok(p.vmrssKb > 0 && p.vmsizeKb > 0);
    assert.ok(p.fdlimit > 0n);
    assert.ok(p.cgroups.length > 0);
    const st = readFileSync(`/proc/${pid}/status`, 'utf8');
    assert.equal(p.capEffective, BigInt('0x' + /CapEff:\s*(\w+)/.exec(st)![1]));

    const fds = new Map(h.fds.get(pid)!.map((f) => [f.fd, f]));
    for (const fd of [srvFd, cliFd, accFd, usFd, rFd, wFd, eFd, fFd, dFd]) assert.ok(fds.has(fd!), `fd ${fd} in the snapshot (${line}): ${[...fds.keys()].join(',')}`);
    const srv = fds.get(srvFd!)!;
    assert.equal(srv.type, FdType.IPV4_SERVSOCK);
    assert.equal(srv.sport, port);
    assert.deepEqual([...srv.sip], [127, 0, 0, 1]);
    assert.equal(srv.l4proto, 2);
    const cli = fds.get(cliFd!)!;
    assert.equal(cli.type, FdType.IPV4_SOCK);
    assert.deepEqual([cli.sport, cli.dport], [cport, port]);
    assert.deepEqual([...cli.dip], [127, 0, 0, 1]);
    const acc = fds.get(accFd!)!;
    assert.deepEqual([acc.type, acc.sport, acc.dport], [FdType.IPV4_SOCK, port, cport]);
    const us = fds.get(usFd!)!;
    assert.equal(us.type, FdType.UNIX_SOCK);
    assert.equal(us.name, `${d}/u.sock`);
    assert.ok(us.unixSource !== 0n);
    assert.equal(fds.get(rFd!)!.type, FdType.FIFO);
    assert.equal(fds.get(wFd!)!.ino, fds.get(rFd!)!.ino, 'both ends of one pipe');
    assert.equal(fds.get(eFd!)!.type, FdType.EVENT);
    const f = fds.get(fFd!)!;
    assert.equal(f.type, FdType.FILE_V2);
    assert.equal(f.name, `${d}/file.txt`);
    assert.equal(f.openFlags & 3, 2, 'PPM_O_WRONLY');
    assert.equal(f.ino, BigInt(statSync(`${d}/file.txt`).ino));
    assert.equal(fds.get(dFd!)!.type, FdType.DIRECTORY);

    assert.ok(h.users.some((u) => u.uid === 0 && u.name === 'root'));
    assert.ok(h.groups.some((g) => g.gid === 0 && g.name === 'root'));
    assert.ok(h.interfaces.some((i) => i.name === 'lo' && i.family === 4 && i.addr[0] === 127));
    assert.ok(h.machine !== null && h.machine.numCpus > 0 && h.machine.bootTsEpoch > 0n);
  } finally {
    child.kill('SIGKILL');
  }
});
