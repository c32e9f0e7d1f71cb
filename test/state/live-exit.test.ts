// State from live exit-only events (no enter event before them): the exit's appended
// parameters stand in for what a capture file's enter event carries.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Inspector } from '../../src/state/inspector.js';
import { emptyHeader } from '../../src/capture/scap-header.js';
import { ev, i64, u32, none, tuple4, type P, field, procEntry } from './events.js';

/** SOCKADDR for IPv4: family 2, address, port (as the probe writes it). */
function addr4(ip: string, port: number): P {
  const b = Buffer.alloc(7);
  b[0] = 2;
  Buffer.from(ip.split('.').map(Number)).copy(b, 1);
  b.writeUInt16LE(port, 5);
  return b;
}

function setup(): Inspector {
  const h = emptyHeader();
  h.procs.push(procEntry({ pid: 100, comm: 'wget' }));
  const insp = new Inspector(ev(0, 100, []));
  insp.seed(h);
  return insp;
}

// socket exit with the appended domain/type/proto (live layout): fd 3, AF_INET, SOCK_STREAM
const socketX = () => ev(19, 100, [i64(3), u32(2), u32(1), u32(0)]);

test('live connect that fails before routing: the destination comes from the exit addr', () => {
  const insp = setup();
  insp.process(socketX());
  // connect exit: res ENETUNREACH, no tuple, fd 3, addr 169.254.169.254:80
  insp.process(ev(23, 100, [i64(-101), none(), i64(3), addr4('169.254.169.254', 80)]));
  assert.equal(field(insp, 'fd.sip'), '169.254.169.254');
  assert.equal(field(insp, 'fd.sport'), 80);
  assert.equal(field(insp, 'fd.rip'), '169.254.169.254');
  assert.equal(field(insp, 'fd.rport'), 80);
  assert.equal(field(insp, 'fd.name'), '169.254.169.254:80');
  assert.equal(field(insp, 'fd.cip'), null, 'no source end is known');
  assert.deepEqual(field(insp, 'fd.ip'), ['0.0.0.0', '169.254.169.254']);
});

test('live connect that succeeds: the tuple wins over the addr', () => {
  const insp = setup();
  insp.process(socketX());
  insp.process(ev(23, 100, [i64(0), tuple4('10.0.0.2', 40000, '93.184.216.34', 443), i64(3), addr4('93.184.216.34', 443)]));
  assert.equal(field(insp, 'fd.name'), '10.0.0.2:40000->93.184.216.34:443');
  assert.equal(field(insp, 'fd.sip'), '93.184.216.34');
  assert.equal(field(insp, 'fd.cport'), 40000);
});

test('file pair (enter then exit) of a failed connect keeps sysdig 0.29.3 output', () => {
  const insp = setup();
  insp.process(ev(18, 100, [u32(2), u32(1), u32(0)]));
  insp.process(ev(19, 100, [i64(3)]));
  insp.process(ev(22, 100, [i64(3), addr4('169.254.169.254', 80)]));
  insp.process(ev(23, 100, [i64(-101), none(), i64(3), addr4('169.254.169.254', 80)]));
  // what sysdig -r prints for this pair (checked on a capture written by kestrel -w)
  assert.equal(field(insp, 'fd.sip'), null);
  assert.equal(field(insp, 'fd.sport'), null);
  assert.equal(field(insp, 'fd.name'), 'NULL');
});
