// `kestrel config` end to end: the built CLI on temporary files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../bin/kestrel.js', import.meta.url));

function kestrel(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { timeout: 300_000, killSignal: 'SIGKILL', encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('kestrel config: effective values from file and -o; secrets redacted', () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'kestrel-cli-'));
  const f = path.join(d, 'k.yaml');
  writeFileSync(f, 'json_output: true\nhttp_output:\n  enabled: true\n  url: http://127.0.0.1:2801/\n  headers:\n    Authorization: Bearer sekrit\n');
  const r = kestrel('config', '-c', f, '-o', 'webserver.listen_port=9000');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /# read .*k\.yaml sha256:[0-9a-f]{64}/);
  assert.match(r.out, /^json_output: true$/m);
  assert.match(r.out, /listen_port: 9000/);
  assert.match(r.out, /# outputs checked: stdout; syslog \/dev\/log \(rfc3164\); http http:\/\/127\.0\.0\.1:2801\//);
  assert.doesNotMatch(r.out, /sekrit/);
});

test('kestrel config: errors exit 5 with the code, key and position', () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'kestrel-cli-'));
  const f = path.join(d, 'k.yaml');
  writeFileSync(f, 'json_output: true\nwebserver:\n  listen_prot: 1\n');
  let r = kestrel('config', '-c', f);
  assert.equal(r.code, 5);
  assert.match(r.err, /k\.yaml:3:3: webserver\.listen_prot: unknown key \(did you mean 'webserver\.listen_port'\?\) \[KES_CONFIG\]/);
  r = kestrel('config', '-q', '-o', 'http_output.enabled=true');
  assert.equal(r.code, 5);
  assert.match(r.err, /http_output\.url: must be set when http_output is enabled \[KES_OUTPUT\]/);
  r = kestrel('config', '-q');
  assert.equal(r.code, 0);
  assert.equal(r.out, '');
});
