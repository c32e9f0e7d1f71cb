// Byte copies on the write path (scap-writer.ts, enter-synth.ts) without an allocation per call.
//
// Buffer.copy allocates in Node 20: its _copyActual wraps the source range in a new Uint8Array
// before TypedArray.prototype.set, which dominated `inspect -w` (~230 ns and garbage per event
// part). Events are ~70 bytes, so 4-byte loads and stores through DataViews (one unaligned
// move each in optimized code) are cheaper; long ranges still go to memcpy, where the one
// allocation is amortized.

/** Below this many bytes copyBytes moves words itself, at or above it calls Buffer.copy. */
const NATIVE_COPY_MIN = 512;

/**
 * Copies n bytes from `src` at `sp` to `dst` at `dp`; `s` and `d` are DataViews over all of
 * `src` and `dst` (same offsets as the Buffers). The ranges must be in bounds and not overlap.
 */
export function copyBytes(src: Buffer, s: DataView, sp: number, dst: Buffer, d: DataView, dp: number, n: number): void {
  if (n >= NATIVE_COPY_MIN) {
    src.copy(dst, dp, sp, sp + n);
    return;
  }
  let i = 0;
  for (const e4 = n - 3; i < e4; i += 4) d.setInt32(dp + i, s.getInt32(sp + i, true), true);
  for (; i < n; i++) d.setUint8(dp + i, s.getUint8(sp + i));
}

/** A DataView over all of `b` (its offsets are those of the Buffer). */
export function viewOf(b: Buffer): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}
