import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScapWriter } from '../../src/capture/scap-writer.js';
import { ScapReader } from '../../src/capture/scap-reader.js';
import { emptyHeader } from '../../src/capture/scap-header.js';
import { KestrelError } from '../../src/errors.js';
import type { ProcEntry } from '../../src/capture/types.js';
import { walk } from './scap-walk.js';
import { encodeEvent } from '../support/raw-event.js';

const tmp = mkdtempSync(join(tmpdir(), 'kes-writer-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

const i64 = (n: number) => { const b = Buffer.alloc(8); b.writeBigInt64LE(BigInt(n)); return b; };

function proc(tid: number): ProcEntry {
  return {
    tid, pid: tid, ptid: 1, sid: 0, vpgid: 0, comm: 'app', exe: 'app', exepath: '/usr/bin/app', args: ['-x'], cwd: '/srv/',
    fdlimit: 1024n, flags: 0, uid: 0, gid: 0, vmsizeKb: 1, vmrssKb: 2, vmswapKb: 0, pfmajor: 0n, pfminor: 0n, env: ['A=1'],
    vtid: tid, vpid: tid, cgroups: ['cpu=/'], root: '/', loginuid: 4242, exeWritable: true, capInheritable: 1n,
    capPermitted: 2n, capEffective: 3n,
  };
}

test('writer profile: block sequence, LARGE blocks, flags, ids >= 336 dropped; sysdig reads it', async () => {
  const file = join(tmp, 'profile.scap');
  const w = await ScapWriter.create(file);
  const h = emptyHeader();
  h.machine = { numCpus: 2, memorySizeBytes: 1n << 30n, maxPid: 32768n, hostname: 'box', bootTsEpoch: 123n, flags: 0n };
  h.procs.push(proc(50));
  h.fds.set(50, [
    { fd: 3, ino: 1n, type: 16, name: '/srv/data', openFlags: 1, dev: 0x803, sip: new Uint8Array(0), dip: new Uint8Array(0), sport: 0, dport: 0, l4proto: 0, unixSource: 0n, unixDest: 0n },
    { fd: 4, ino: 2n, type: 20, name: 'memfd:x', openFlags: 0, dev: 0, sip: new Uint8Array(0), dip: new Uint8Array(0), sport: 0, dport: 0, l4proto: 0, unixSource: 0n, unixDest: 0n },
  ]);
  h.fds.set(999, []); // not in the PL: must not be written (fatal for sysdig 0.29.3)
  h.users.push({ uid: 0, gid: 0, name: 'root', homedir: '/root', shell: '/bin/sh' });
  h.groups.push({ gid: 0, name: 'root' });
  h.interfaces.push({ family: 4, name: 'lo', addr: Uint8Array.from([127, 0, 0, 1]), netmask: Uint8Array.from([255, 0, 0, 0]), bcast: Uint8Array.from([127, 255, 255, 255]), linkspeed: 0n });
  w.writeHeader(h);
  const big = JSON.stringify({ container: { id: 'abcdef123456', type: 0, name: 'c', image: 'img', labels: { pad: 'x'.repeat(100000) } } });
  w.writeRaw(encodeEvent(324, -1, 1000n, [Buffer.from(big + '\0')], 4), 0, 4); // CONTAINER_JSON_2_E, u32 lengths
  w.writeRaw(encodeEvent(4, 50, 2000n, [i64(3)]), 1);                      // close_e
  w.writeRaw(encodeEvent(5, 50, 2001n, [i64(0)]), 1, 1);                   // close_x, state-only flag
  w.writeRaw(encodeEvent(405, 50, 2002n, [i64(0)]), 0);                    // id >= 336: dropped
  w.writeRaw(encodeEvent(6, 50, 2003n, [i64(3), Buffer.from([16, 0, 0, 0])]), 0); // read_e
  await w.close();
  assert.equal(w.written, 4);
  assert.equal(w.dropped, 1);

  const wk = walk(readFileSync(file));
  const order = [...wk.blocks.keys()];
  assert.deepEqual(order, [0x0a0d0d0a, 0x201, 0x219, 0x220, 0x215, 0x218, 0x221, 0x216, 0x217]);
  assert.equal(wk.blocks.get(0x218), 1);
  const data = readFileSync(file);
  assert.equal(data.readUInt32LE(4), 28);      // SHB without options
  assert.equal(data.readUInt16LE(14), 2);      // minor 2
  assert.equal(data.readUInt32LE(28 + 4), 192); // MI exactly 192 bytes
  for (const end of wk.ends) assert.equal(end % 4, 0);

  const r = await ScapReader.open(file);
  assert.equal(r.header.procs[0]!.loginuid, 4242);
  assert.equal(r.header.procs[0]!.capEffective, 3n);
  assert.deepEqual(r.header.fds.get(50)!.map((f) => f.type), [16, 10]); // memfd (20) written as UNSUPPORTED
  const seen: string[] = [];
  while (await r.nextBatch((ev) => { seen.push(`${ev.type}/${ev.cpu}/${ev.dumpFlags}`); })) { /* */ }
  await r.close();
  assert.deepEqual(seen, ['324/0/0', '4/1/0', '5/1/1', '6/0/0']);
  // A LARGE block bigger than the chunk buffer grows it (bounded by the block cap).
  const small = await ScapReader.open(file, { chunkSize: 1024 });
  let lens = 0;
  while (await small.nextBatch((ev) => { lens += ev.len; })) { /* */ }
  await small.close();
  assert.ok(lens > 100000);

  const out = execFileSync('sysdig', ['-r', file, '-p', '*%evt.num %evt.type %proc.name %fd.name %user.loginuid %container.id'], { timeout: 300_000, killSignal: 'SIGKILL', env: { ...process.env, TZ: 'UTC' }, encoding: 'utf8' });
  // close_x is state-only (hidden); the container event sets the container of tid -1 only.
  assert.deepEqual(out.trim().split('\n'), ['2 close app /srv/data 4242 host', '4 read app <NA> 4242 host']);
});

test('keepNewEvents keeps ids >= 336; misuse is a KestrelError', async () => {
  const file = join(tmp, 'keep.scap.gz');
  const w = await ScapWriter.create(file, { gzip: true, keepNewEvents: true });
  assert.throws(() => w.writeRaw(encodeEvent(4, 1, 1n, [i64(3)]), 0), KestrelError); // header first
  w.writeHeader(emptyHeader());
  assert.throws(() => w.writeHeader(emptyHeader()), KestrelError);
  assert.throws(() => w.writeRaw(Buffer.alloc(10), 0), KestrelError);
  w.writeRaw(encodeEvent(405, 1, 1n, [i64(0)]), 0);
  await w.close();
  const r = await ScapReader.open(file);
  assert.ok(r.gzip);
  const types: number[] = [];
  while (await r.nextBatch((ev) => { types.push(ev.type); })) { /* */ }
  await r.close();
  assert.deepEqual(types, [405]);
});

test('creating a writer in a missing directory is KES_IO', async () => {
  await assert.rejects(ScapWriter.create('/nonexistent-dir/x.scap'), (e: unknown) => e instanceof KestrelError && e.code === 'KES_IO');
});
