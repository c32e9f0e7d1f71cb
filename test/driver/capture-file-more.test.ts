// Kernel test against the oracle: the 2022-table events added in session 2 (brk, mmap, munmap,
// socket, setsockopt, getsockopt, sendfile, sendmmsg, recvmmsg, recvmsg), captured live and
// written to a scap file with synthesized enters, read back in sysdig 0.29.3 with the
// arguments the helper's syscalls had: flag names, the typed sockopt values, the sendfile
// offset, the memory figures.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LiveSource } from '../../src/capture/live-source.js';
import { ScapWriter } from '../../src/capture/scap-writer.js';
import { PairWriter } from '../../src/capture/live-cli.js';
import { buildHelper } from './util.js';

test('new 2022-table events: live → scap file → sysdig -r shows their arguments', async () => {
  const cover = buildHelper('cover');
  const dir = mkdtempSync(join(tmpdir(), 'kes-cap-more-'));
  const file = join(dir, 'live.scap');
  const src = new LiveSource({ syscalls: ['execve', 'procexit', 'brk', 'mmap', 'munmap', 'socket', 'setsockopt', 'getsockopt', 'sendfile', 'sendmmsg', 'recvmmsg', 'recvmsg'], snapshot: true });
  await src.open();
  const w = await ScapWriter.create(file);
  w.writeHeader(src.header);
  const pairs = new PairWriter((e) => w.writeEvent(e));
  let stdout = '';
  try {
    await src.nextBatch(() => {});
    const child = spawn(cover, ['mm', join(dir, 'map'), 'sockopt', 'sendfile', dir, 'mmsg'], { timeout: 300_000, killSignal: 'SIGKILL', stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
    const pid = child.pid!;
    let exited = false;
    child.on('close', () => { exited = true; });
    let started = false, sawExit = false;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !(exited && sawExit)) {
      await src.nextBatch((ev) => {
        if (ev.tid !== pid) return;
        if (ev.type === 293) started = true; // before its execve the child is node's fork
        if (!started) return;
        if (ev.type === 186) sawExit = true;
        pairs.event(ev);
      });
      await w.drain();
    }
    assert.ok(sawExit, 'captured the helper until its exit');
  } finally {
    await w.close();
    await src.close();
  }
  const res = (name: string) => Number(/^(\S+) (-?\d+)$/m.exec(stdout.split('\n').filter((l) => l.startsWith(`${name} `)).join('\n'))![2]);
  const hex = (n: number) => n.toString(16).toUpperCase();
  const out = execFileSync('sysdig', ['-r', file, '-p', '%evt.dir %evt.type %evt.args'], { timeout: 300_000, killSignal: 'SIGKILL', env: { ...process.env, TZ: 'UTC' } }).toString();
  rmSync(dir, { recursive: true, force: true });
  const lines = out.trim().split('\n');
  const has = (re: RegExp, what: string) => assert.ok(lines.some((l) => re.test(l)), `${what}:\n${out}`);
  has(new RegExp(`^< brk res=${hex(res('brk'))} vm_size=${res('brk_vmsize')} vm_rss=\\d+ vm_swap=0`), 'brk exit');
  has(/^> mmap addr=0 length=12288 prot=3\(PROT_READ\|PROT_WRITE\) flags=138\(MAP_PRIVATE\|MAP_ANONYMOUS\|MAP_POPULATE\) fd=-1/, 'mmap enter (synthesized from the exit)');
  has(new RegExp(`^< mmap res=${hex(res('mmap'))} vm_size=${res('mmap_vmsize')} `), 'mmap exit');
  has(/^> mmap addr=0 length=4096 prot=1\(PROT_READ\) flags=1\(MAP_SHARED\) fd=\d+ offset=4096/, 'file mmap enter');
  has(new RegExp(`^> munmap addr=${hex(res('munmap_addr'))} length=12288`), 'munmap enter');
  has(new RegExp(`^< munmap res=0 vm_size=${res('munmap_vmsize')} `), 'munmap exit');
  has(/^< setsockopt res=0 fd=\d+.* level=1\(SOL_SOCKET\) optname=2\(SO_REUSEADDR\) val=1 optlen=4/, 'setsockopt SO_REUSEADDR');
  has(/^< setsockopt res=0 .* optname=20\(SO_RCVTIMEO\) val=2500000000\(2\.5s\) optlen=16/, 'setsockopt SO_RCVTIMEO as a relative time');
  has(/^< setsockopt res=0 .* level=2\(SOL_TCP\) optname=0\(UNKNOWN\) val=\S+ optlen=4/, 'setsockopt TCP_NODELAY as bytes');
  has(new RegExp(`^< getsockopt res=0 .* optname=8\\(SO_RCVBUF\\) val=${res('rcvbuf')} optlen=4`), 'getsockopt SO_RCVBUF');
  has(/^< getsockopt res=0 .* optname=4\(SO_ERROR\) val=0 optlen=4/, 'getsockopt SO_ERROR');
  has(new RegExp(`^< getsockopt res=0 .* optname=53\\(SO_COOKIE\\) val=${res('cookie')} optlen=8`), 'getsockopt SO_COOKIE');
  has(/^< setsockopt res=-9\(EBADF\) fd=-1/, 'failed setsockopt');
  has(/^< sendfile res=50 offset=60/, 'sendfile exit: offset after the copy');
  has(/^> sendfile out_fd=\d+ in_fd=\d+ offset=10 size=50/, 'sendfile enter: fds, the start offset (exit offset - res) and size');
  has(/^> sendfile out_fd=\d+ in_fd=\d+ offset=0 size=30/, 'sendfile enter without an offset');
  has(/^< sendfile res=30 offset=0/, 'sendfile without an offset');
  has(/^< sendmmsg/, 'sendmmsg exit');
  has(/^< recvmmsg/, 'recvmmsg exit');
  has(/^< recvmsg res=1 size=1 data=x /, 'recvmsg exit');
});
