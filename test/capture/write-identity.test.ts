// The write path (`kestrel inspect -w`, ScapWriter, EnterSynth/PairWriter) must write the same
// bytes as before its per-event allocations were removed. The hashes below were computed with
// that earlier code (commit d05efb6: Buffer.copy per event part, a fresh 1 MiB chunk per
// flush, BigInt timestamps and parameter arrays in EnterSynth) on the shared captures and on a
// seeded stream of every exit type; any change to the bytes written fails here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { ScapWriter } from '../../src/capture/scap-writer.js';
import { ScapReader } from '../../src/capture/scap-reader.js';
import { PairWriter } from '../../src/capture/live-cli.js';
import { emptyHeader } from '../../src/capture/scap-header.js';
import { EventView } from '../../src/events/event-view.js';
import { SHARED_DIR } from '../support/shared-dir.js';
import { exitStream } from './write-gen.js';

const CLI = fileURLToPath(new URL('../../src/cli/index.js', import.meta.url));
const SCAP = join(SHARED_DIR, 'data/scap');
const tmp = mkdtempSync(join(tmpdir(), 'kes-write-id-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** `inspect -r F -w OUT` (no filter): every event, v1 blocks re-encoded as v2. */
const PLAIN: Record<string, string> = {
  falco_empty: '653d7f9a6cc1f10e8c762bc4d6962874d5bd7a8a2035b68105ef2ea0bbf254c0',
  falco_trace_files_cat_write: '4be82f437dd2ceb083e80c1b4946efd3d51e11be5dece40387e4f33373978f96',
  falco_trace_files_connect_localhost: '48f50434e3bb1cf1df80fbbcb823791c80b7f9d938dee8243748d6ff594a8780',
  falco_trace_files_empty: '12ab33b9dd7797aaf405512e35851d862179935e4000478f9bfe459d002615fd',
  'falco_trace_files_open-multiple-files': 'a01051f5a38b312245bbcf6ce5d6f6591eda13820496d26e7e504248518d12b4',
  falco_trace_files_psp_privileged: '8006f1a751b610477b84689c7d4f0377ef05ef6cc7e2ed095d7aadaef48d5233',
  falco_trace_files_psp_run_as_user_65534_container: 'f680d358427a37098ec6a5700f0cebf9d83fe04199e62f0b9ee477bc975fbb2d',
  falco_trace_files_psp_write_tmp_test: '413e8150b15be4b974552ea051b51c0bfc2cd4add74da5b9c753900eb31f4b97',
  libs_e2e_curl_google_comments: '68c2b44d570668bff3a5442fe931136b062ac0f3fa1fee7c1e0365574be6b5bb',
  libs_e2e_test_ipv6_client: '2c9716702b89b27d9b752372a160228c7cd475200578941ceec1edaf3981e13f',
  libs_sample: '1128edae89ebde08859f3ac187cf3e20bd0ee6ecea04480d932322067a35dcde',
};

const FILTER = 'evt.type in (open, openat, close, read, write, execve, clone, connect, socket)';
/** `inspect -r F -w OUT FILTER`: the events that pass, copied as they were read. */
const FILTERED: Record<string, string> = {
  falco_empty: '270652dec14c13a924f80c15cf45d101165165cfc5c443e8391d4fefb2259eb2',
  falco_trace_files_cat_write: 'e6218232e5a1ee89499e5a47849a405aa9ece3be6a3791629a6dedd9d71a63b6',
  falco_trace_files_connect_localhost: '9c124952a00ad87491eefb5541d58d9993aa9b70261c95d8f796b83e5459747a',
  falco_trace_files_empty: 'a547a1f8bc08633683fcd7ca736b126c96d31cdaba3218d5be7813d19b495a44',
  'falco_trace_files_open-multiple-files': '69c92831b640bd0f3fa70e87b50b66c1cea9212deb1b08b2456e206ffa7cadaa',
  falco_trace_files_psp_privileged: '382fe5c6dd339c081989be453f15b371cda40a5d21658aa9fb0fc951ec05ce60',
  falco_trace_files_psp_run_as_user_65534_container: 'ec30fea6de4145bf69cdd267cfd44654e4dc3b89f19a5909fbbcf9c63d672107',
  falco_trace_files_psp_write_tmp_test: 'a32a2fdb538cf0badc8e11395f6ccbacc05a16ce29fdf7f47caa9852c741e0fc',
  libs_e2e_curl_google_comments: '613d14e326bfa93716d2dc1bdf844f243207362d62bc78d860302a4e7c2478cc',
  libs_e2e_test_ipv6_client: 'f703ef3a5812f02a628aab808fb8b36c2ec16c207c6d07cdadbeb11fba690c58',
  libs_sample: '1de5d87a3ab7dc86e2752fa892cc9400e32e439f9b5228d49259c7b092081e42',
};

/** Every event of the file through PairWriter (exits get a synthesized enter), ids >= 336 kept. */
const PAIRS: Record<string, string> = {
  falco_empty: '653d7f9a6cc1f10e8c762bc4d6962874d5bd7a8a2035b68105ef2ea0bbf254c0',
  falco_trace_files_cat_write: 'e3f6e14a8a419b37d5aa6bf284aae1e5f5f8c2d144f6f2be8b5c1867699dc63d',
  falco_trace_files_connect_localhost: '94374ce11a48a606805431f3ef02d36bf2ee64333442ef9db8b2c787a589f468',
  falco_trace_files_empty: '12ab33b9dd7797aaf405512e35851d862179935e4000478f9bfe459d002615fd',
  'falco_trace_files_open-multiple-files': 'ac6f229bdc030160ec57c9cafb3a19ee753803842cfa9174b351c945e3492e3a',
  falco_trace_files_psp_privileged: '8006f1a751b610477b84689c7d4f0377ef05ef6cc7e2ed095d7aadaef48d5233',
  falco_trace_files_psp_run_as_user_65534_container: '0cb81980ae5e5c409d980ea4598690d3437889de72690d3ee82222afc7df8832',
  falco_trace_files_psp_write_tmp_test: 'fe9e5d66d2c4d25bf7fd1d2d789b403501435ed2c9c70feae87dbede75571ef2',
  libs_e2e_curl_google_comments: '6b39493157249f6eb6b17e2118da3e1ccc0fd659e3b54cc12ad37a16a88b7695',
  libs_e2e_test_ipv6_client: '913aead516946ac131ad87f607f7645106c6f5844352efc8f69986adc9f171e9',
  libs_sample: '3947d4d6c345af5fe12126935543fed09024ae1a5cfdd209cadd717596e5c862',
};

/** exitStream(7) through PairWriter, by keepNewEvents. */
const FUZZ = {
  keep: '6fa95fc423cc0e1487ba382126c38b26ecf045c31f987ccb573d43615e158f6f',
  drop: '795a7f42cc65118611fcbb80b2e000970553ea18ddd088ce0e797db11e72f13e',
};

function inspectW(name: string, out: string, extra: string[]): Buffer {
  execFileSync(process.execPath, [CLI, 'inspect', '-r', join(SCAP, `${name}.scap`), '-w', out, ...extra],
    { timeout: 60_000, killSignal: 'SIGKILL', stdio: ['ignore', 'ignore', 'pipe'] });
  return readFileSync(out);
}

test('inspect -r -w writes the same bytes as before, with and without a filter', () => {
  for (const name of Object.keys(PLAIN)) {
    assert.equal(sha(inspectW(name, join(tmp, `${name}.a.scap`), [])), PLAIN[name], `${name}: -w`);
    assert.equal(sha(inspectW(name, join(tmp, `${name}.f.scap`), [FILTER])), FILTERED[name], `${name}: -w FILTER`);
  }
  // ids >= 336 kept (only libs_sample has them)
  assert.equal(sha(inspectW('libs_sample', join(tmp, 'k.scap'), ['--all-events', '--keep-new-events'])),
    'd8b69b933f0278e7692f774d8364cd3c92fbcbb639de5bcf49bd1e20f7a33b3f');
  // gzip: the same bytes inside (v2 and v1 sources)
  for (const name of ['libs_sample', 'libs_e2e_curl_google_comments']) {
    assert.equal(sha(gunzipSync(inspectW(name, join(tmp, `${name}.scap.gz`), []))), PLAIN[name], `${name}: -w .gz`);
  }
});

test('PairWriter writes the same E/X pairs as before (events of the shared captures)', async () => {
  for (const name of Object.keys(PAIRS)) {
    const out = join(tmp, `${name}.pairs.scap`);
    const r = await ScapReader.open(join(SCAP, `${name}.scap`));
    const w = await ScapWriter.create(out, { keepNewEvents: true });
    try {
      w.writeHeader(r.header);
      const pw = new PairWriter((e) => w.writeEvent(e));
      while (await r.nextBatch((ev) => pw.event(ev))) await w.drain();
    } finally {
      await r.close();
      await w.close();
    }
    assert.equal(sha(readFileSync(out)), PAIRS[name], name);
  }
});

async function writeStream(out: string, keep: boolean, events: Buffer[], repeat = 1): Promise<ScapWriter> {
  const w = await ScapWriter.create(out, { keepNewEvents: keep });
  w.writeHeader(emptyHeader());
  const pw = new PairWriter((e) => w.writeEvent(e));
  const v = new EventView();
  for (let k = 0; k < repeat; k++) {
    for (let i = 0; i < events.length; i++) {
      const b = events[i]!;
      assert.equal(v.load(b, 0, b.length, i & 1, 0), null);
      pw.event(v);
      if (i % 500 === 499) await w.drain();
    }
  }
  await w.close();
  return w;
}

test('synthesized enters of every exit type: same bytes as before', async () => {
  const events = exitStream(7);
  await writeStream(join(tmp, 'fuzz-keep.scap'), true, events);
  assert.equal(sha(readFileSync(join(tmp, 'fuzz-keep.scap'))), FUZZ.keep);
  await writeStream(join(tmp, 'fuzz-drop.scap'), false, events);
  assert.equal(sha(readFileSync(join(tmp, 'fuzz-drop.scap'))), FUZZ.drop);
});

test('a long write reuses its output chunks and stays byte-exact across them', async () => {
  const events = exitStream(11, 3);
  const one = join(tmp, 'once.scap');
  await writeStream(one, true, events);
  const once = readFileSync(one);
  // The header part ends where the first event block starts (after SHB and the empty header).
  let first = 0;
  while (![0x216, 0x217, 0x221, 0x222].includes(once.readUInt32LE(first))) first += once.readUInt32LE(first + 4);
  const body = once.subarray(first);
  const times = Math.ceil((24 << 20) / body.length); // ~24 MiB: many chunks, the in-flight limit reached
  const many = join(tmp, 'many.scap');
  const w = await writeStream(many, true, events, times);
  const got = readFileSync(many);
  assert.equal(got.length, first + body.length * times);
  assert.ok(got.subarray(0, first).equals(once.subarray(0, first)));
  for (let k = 0; k < times; k++) {
    const at = first + k * body.length;
    assert.ok(got.subarray(at, at + body.length).equals(body), `copy ${k} of the body differs`);
  }
  // 24 chunks written through a handful of buffers (8 in flight at most, +1 being filled, +1
  // taken while the last callbacks ran); without reuse there would be one per chunk.
  assert.ok(w.chunksAllocated <= 12, `chunks allocated: ${w.chunksAllocated}`);
});

test('a slow reader holds the writer back (bounded chunks), and every byte arrives', async () => {
  const events = exitStream(13, 3);
  const ref = join(tmp, 'ref.scap');
  // exits only: the file is larger (their enters); at least 24 MiB, 24 chunks
  const times = Math.ceil((24 << 20) / events.reduce((n, b) => n + b.length, 0));
  await writeStream(ref, true, events, times);
  const fifo = join(tmp, 'slow.fifo');
  const got = join(tmp, 'slow.scap');
  execFileSync('mkfifo', [fifo]);
  // starts 1 s late, then reads 256 KiB per 20 ms (at most 12.5 MiB/s): the writer (~200
  // MiB/s here, still >10x faster on a busy machine) gets MAX_IN_FLIGHT chunks ahead of it
  const reader = spawn('python3', ['-c', `
import sys, time
with open(sys.argv[1], 'rb') as f, open(sys.argv[2], 'wb') as o:
    time.sleep(1.0)
    while True:
        b = f.read(262144)
        if not b: break
        o.write(b)
        time.sleep(0.02)
`, fifo, got], { stdio: 'ignore', timeout: 120_000, killSignal: 'SIGKILL' });
  const exited = new Promise<number | null>((resolve) => reader.on('exit', (code) => resolve(code)));
  const w = await writeStream(fifo, true, events, times);
  assert.equal(await exited, 0);
  const want = readFileSync(ref);
  assert.ok(want.length > 24 << 20);
  assert.equal(sha(readFileSync(got)), sha(want));
  // drain() waited for the reader, and the chunks stayed few
  assert.ok(w.drainWaits > 0, 'drain never waited');
  assert.ok(w.chunksAllocated <= 12, `chunks allocated: ${w.chunksAllocated}`);
});

test('a write error (ENOSPC) is KES_IO naming the file, from drain() and from inspect -w', async () => {
  const events = exitStream(5, 2);
  const w = await ScapWriter.create('/dev/full');
  w.writeHeader(emptyHeader());
  let err: unknown = null;
  // between batches the loop yields to I/O, as inspect's does (nextBatch reads the file)
  for (let k = 0; k < 400 && err === null; k++) {
    for (const b of events) w.writeRaw(b, 0);
    try { await w.drain(); } catch (e) { err = e; }
    await new Promise((r) => setImmediate(r));
  }
  assert.ok(err instanceof Error && (err as { code?: string }).code === 'KES_IO' && /\/dev\/full.*ENOSPC/.test(err.message), String(err));
  await assert.rejects(w.close(), (e: unknown) => (e as { code?: string }).code === 'KES_IO');
  for (const z of [[], ['-z']]) {
    let status = 0, stderr = '';
    try {
      execFileSync(process.execPath, [CLI, 'inspect', '-r', join(SCAP, 'libs_sample.scap'), ...z, '-w', '/dev/full'],
        { timeout: 60_000, killSignal: 'SIGKILL', stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    } catch (e) {
      status = (e as { status: number }).status;
      stderr = (e as { stderr: string }).stderr;
    }
    assert.equal(status, 1, `inspect ${z.join(' ')} -w /dev/full`);
    assert.match(stderr, /cannot write \/dev\/full: ENOSPC.*\[KES_IO\]/);
  }
});
