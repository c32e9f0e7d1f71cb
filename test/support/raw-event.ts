// One event as the probe writes it (a ppm_evt_hdr with nparams, then the parameter lengths,
// then the parameters): what tests build by hand to feed EventView, the state and the writer.

/**
 * Encodes a v2 event: ts, tid, total length, type, nparams, then the lengths (u16, or u32
 * with `lenWidth` 4 for the large-payload events) and the parameter bytes.
 */
export function encodeEvent(type: number, tid: number, ts: bigint, params: readonly Buffer[], lenWidth: 2 | 4 = 2): Buffer {
  const hdr = Buffer.alloc(26 + lenWidth * params.length);
  hdr.writeBigUInt64LE(ts, 0);
  hdr.writeBigInt64LE(BigInt(tid), 8);
  const len = hdr.length + params.reduce((a, p) => a + p.length, 0);
  hdr.writeUInt32LE(len, 16);
  hdr.writeUInt16LE(type, 20);
  hdr.writeUInt32LE(params.length, 22);
  params.forEach((p, i) => (lenWidth === 2 ? hdr.writeUInt16LE(p.length, 26 + 2 * i) : hdr.writeUInt32LE(p.length, 26 + 4 * i)));
  return Buffer.concat([hdr, ...params], len);
}
