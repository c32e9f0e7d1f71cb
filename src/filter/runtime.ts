// Matchers and value helpers used by compiled conditions. Everything here is built once at
// compile time (patterns, tries, parsed addresses) and then run per event without parsing.

// ---- glob (fnmatch without FNM_PATHNAME: '*' also matches '/') ----------------------------

type GlobTok =
  | { readonly t: 'lit'; readonly c: string }
  | { readonly t: 'any' }
  | { readonly t: 'star' }
  | { readonly t: 'set'; readonly neg: boolean; readonly ranges: readonly (readonly [number, number])[] };

function parseGlob(p: string): GlobTok[] {
  const out: GlobTok[] = [];
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '*') {
      if (out.length === 0 || out[out.length - 1].t !== 'star') out.push({ t: 'star' });
    } else if (c === '?') {
      out.push({ t: 'any' });
    } else if (c === '\\' && i + 1 < p.length) {
      out.push({ t: 'lit', c: p[++i] });
    } else if (c === '[') {
      // A bracket expression; an unterminated '[' is a literal, as in fnmatch.
      let j = i + 1;
      let neg = false;
      if (p[j] === '!' || p[j] === '^') { neg = true; j++; }
      const ranges: [number, number][] = [];
      let first = true;
      let closed = false;
      while (j < p.length) {
        let ch = p[j];
        if (ch === ']' && !first) { closed = true; break; }
        first = false;
        if (ch === '\\' && j + 1 < p.length) ch = p[++j];
        const lo = ch.charCodeAt(0);
        if (p[j + 1] === '-' && j + 2 < p.length && p[j + 2] !== ']') {
          let hiCh = p[j + 2];
          j += 2;
          if (hiCh === '\\' && j + 1 < p.length) hiCh = p[++j];
          ranges.push([lo, hiCh.charCodeAt(0)]);
        } else {
          ranges.push([lo, lo]);
        }
        j++;
      }
      if (!closed) { out.push({ t: 'lit', c: '[' }); continue; }
      out.push({ t: 'set', neg, ranges });
      i = j;
    } else {
      out.push({ t: 'lit', c });
    }
  }
  return out;
}

function tokMatches(tok: GlobTok, c: string): boolean {
  switch (tok.t) {
    case 'lit': return tok.c === c;
    case 'any': return true;
    case 'set': {
      const code = c.charCodeAt(0);
      let hit = false;
      for (const [lo, hi] of tok.ranges) if (code >= lo && code <= hi) { hit = true; break; }
      return hit !== tok.neg;
    }
    case 'star': return false;
  }
}

/**
 * Compile a glob into a matcher. The match is the classic single-backtrack-point algorithm:
 * O(len(text) * len(pattern)) in the worst case, never exponential.
 */
export function compileGlob(pattern: string, caseInsensitive = false): (s: string) => boolean {
  const toks = parseGlob(caseInsensitive ? pattern.toLowerCase() : pattern);
  const n = toks.length;
  // Literal head and tail (before the first / after the last wildcard): most rule globs have
  // one, and most inputs fail on it, so check them first with plain string compares.
  let head = '';
  for (let i = 0; i < n; i++) {
    const t = toks[i];
    if (t.t !== 'lit') break;
    head += t.c;
  }
  let tail = '';
  if (head.length < n) {
    for (let i = n - 1; i >= 0; i--) {
      const t = toks[i];
      if (t.t !== 'lit') break;
      tail = t.c + tail;
    }
  }
  return (input: string): boolean => {
    const s = caseInsensitive ? input.toLowerCase() : input;
    if (!s.startsWith(head) || !s.endsWith(tail) || s.length < head.length + tail.length) return false;
    let ti = 0;
    let si = 0;
    let starTi = -1;
    let starSi = 0;
    while (si < s.length) {
      if (ti < n && toks[ti].t === 'star') {
        starTi = ti++;
        starSi = si;
      } else if (ti < n && tokMatches(toks[ti], s[si])) {
        ti++;
        si++;
      } else if (starTi >= 0) {
        ti = starTi + 1;
        si = ++starSi;
      } else {
        return false;
      }
    }
    while (ti < n && toks[ti].t === 'star') ti++;
    return ti === n;
  };
}

// ---- pmatch (libsinsp path_prefix_search: component-wise prefixes, glob components) --------

interface PNode {
  /** A search path ends here: everything below matches. */
  end: boolean;
  readonly dirs: Map<string, PNode>;
  readonly globs: { readonly src: string; readonly match: (s: string) => boolean; readonly node: PNode }[];
}

function splitPath(p: string): string[] {
  return p.split('/').filter((c) => c.length > 0);
}

export class PathPrefixSet {
  private readonly root: PNode = { end: false, dirs: new Map(), globs: [] };

  constructor(paths: Iterable<string>) {
    for (const p of paths) this.add(p);
  }

  private add(path: string): void {
    let node = this.root;
    for (const comp of splitPath(path)) {
      if (node.end) return; // a shorter prefix already covers it
      if (/[?*[]/.test(comp)) {
        let g = node.globs.find((x) => x.src === comp);
        if (g === undefined) {
          g = { src: comp, match: compileGlob(comp), node: { end: false, dirs: new Map(), globs: [] } };
          node.globs.push(g);
        }
        node = g.node;
      } else {
        let next = node.dirs.get(comp);
        if (next === undefined) {
          next = { end: false, dirs: new Map(), globs: [] };
          node.dirs.set(comp, next);
        }
        node = next;
      }
    }
    node.end = true;
    node.dirs.clear();
    node.globs.length = 0;
  }

  /** True if one of the search paths is a component-wise prefix of `path` (or equals it). */
  match(path: string): boolean {
    return matchFrom(this.root, path, 0);
  }
}

/** Walk `path` from `i` component by component (empty components skipped), no arrays built. */
function matchFrom(node: PNode, path: string, i: number): boolean {
  if (node.end) return true;
  const n = path.length;
  while (i < n && path.charCodeAt(i) === 0x2f) i++;
  if (i >= n) return false;
  let j = path.indexOf('/', i);
  if (j < 0) j = n;
  const comp = path.slice(i, j);
  const next = node.dirs.get(comp);
  if (next !== undefined && matchFrom(next, path, j)) return true;
  for (const g of node.globs) if (g.match(comp) && matchFrom(g.node, path, j)) return true;
  return false;
}

/** Memo of a costly string predicate (RE2 crosses into native code and re-encodes each call).
 * Events repeat the same strings (one process's cmdline, one file's name), so a bounded map
 * of recent answers saves most calls; it is simply cleared when full. */
export function memoize(pred: (s: string) => boolean, max = 2048, maxLen = 4096): (s: string) => boolean {
  let cache = new Map<string, boolean>();
  return (s: string): boolean => {
    const hit = cache.get(s);
    if (hit !== undefined) return hit;
    const r = pred(s);
    if (s.length <= maxLen) {
      if (cache.size >= max) cache = new Map();
      cache.set(s, r);
    }
    return r;
  };
}

// ---- IP addresses ------------------------------------------------------------------------

/** Dotted quad → uint32, or -1. No allocation. */
export function parseIPv4(s: string): number {
  let acc = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      part = part * 10 + (c - 0x30);
      if (++digits > 3 || part > 255) return -1;
    } else if (c === 0x2e) {
      if (digits === 0 || ++dots > 3) return -1;
      acc = acc * 256 + part;
      part = 0;
      digits = 0;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return acc * 256 + part;
}

/** IPv6 text (with optional embedded IPv4 tail) → 16 bytes, or null. */
export function parseIPv6(s: string): Uint8Array | null {
  if (s.length < 2 || s.length > 45) return null;
  const out = new Uint8Array(16);
  const dbl = s.indexOf('::');
  if (dbl !== s.lastIndexOf('::')) return null;
  const parseGroups = (part: string): number[] | null => {
    if (part === '') return [];
    const words: number[] = [];
    const groups = part.split(':');
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (i === groups.length - 1 && g.includes('.')) {
        const v4 = parseIPv4(g);
        if (v4 < 0) return null;
        words.push(Math.floor(v4 / 65536), v4 % 65536);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
        words.push(parseInt(g, 16));
      }
    }
    return words;
  };
  let words: number[];
  if (dbl >= 0) {
    const head = parseGroups(s.slice(0, dbl));
    const tail = parseGroups(s.slice(dbl + 2));
    if (head === null || tail === null || head.length + tail.length > 7) return null;
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = parseGroups(s);
    if (all === null || all.length !== 8) return null;
    words = all;
  }
  for (let i = 0; i < 8; i++) {
    out[i * 2] = words[i] >> 8;
    out[i * 2 + 1] = words[i] & 0xff;
  }
  return out;
}

function hex16(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return s;
}

/**
 * Comparable key of an address value: a uint32 (number) for IPv4, a 32-digit hex string for
 * IPv6, null if the value is not an address. Accepts text, 4/16 raw bytes, or a uint32.
 */
export function ipKey(v: unknown): number | string | null {
  if (typeof v === 'string') {
    if (v.indexOf(':') < 0) {
      const n = parseIPv4(v);
      return n < 0 ? null : n;
    }
    const b = parseIPv6(v);
    return b === null ? null : hex16(b);
  }
  if (v instanceof Uint8Array) {
    if (v.length === 4) return ((v[0] << 24) | (v[1] << 16) | (v[2] << 8) | v[3]) >>> 0;
    if (v.length === 16) return hex16(v);
    return null;
  }
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) return v;
  return null;
}

export interface IpNet {
  readonly v6: boolean;
  /** IPv4: network (masked) and mask as uint32. */
  readonly net4: number;
  readonly mask4: number;
  /** IPv6: network bytes and prefix length. */
  readonly net6: Uint8Array | null;
  readonly prefix: number;
}

/** "10.0.0.0/8", "fe80::/10", or a bare address (a full-length prefix). Null if invalid. */
export function parseIpNet(s: string): IpNet | null {
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  const plen = slash < 0 ? null : s.slice(slash + 1);
  if (plen !== null && !/^[0-9]{1,3}$/.test(plen)) return null;
  if (addr.indexOf(':') < 0) {
    const a = parseIPv4(addr);
    const p = plen === null ? 32 : Number(plen);
    if (a < 0 || p > 32) return null;
    const mask = p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0;
    return { v6: false, net4: (a & mask) >>> 0, mask4: mask, net6: null, prefix: p };
  }
  const b = parseIPv6(addr);
  const p = plen === null ? 128 : Number(plen);
  if (b === null || p > 128) return null;
  return { v6: true, net4: 0, mask4: 0, net6: b, prefix: p };
}

/** Is the address value `v` inside `net`? False for a value of the other family. */
export function inNet(v: unknown, net: IpNet): boolean {
  if (!net.v6) {
    let a: number;
    if (typeof v === 'string') a = parseIPv4(v);
    else if (v instanceof Uint8Array && v.length === 4) a = ((v[0] << 24) | (v[1] << 16) | (v[2] << 8) | v[3]) >>> 0;
    else if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) a = v;
    else return false;
    return a >= 0 && ((a & net.mask4) >>> 0) === net.net4;
  }
  let b: Uint8Array | null;
  if (typeof v === 'string') b = v.indexOf(':') < 0 ? null : parseIPv6(v);
  else if (v instanceof Uint8Array && v.length === 16) b = v;
  else return false;
  if (b === null || net.net6 === null) return false;
  let bits = net.prefix;
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const m = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((b[i] & m) !== (net.net6[i] & m)) return false;
  }
  return true;
}

// ---- bytes -------------------------------------------------------------------------------

/** "7f454c46" → bytes; null if not an even-length hex string. */
export function parseHex(s: string): Buffer | null {
  if (s.length === 0 || s.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(s)) return null;
  return Buffer.from(s, 'hex');
}

/** A value as bytes: raw buffers as they are (no copy), strings as UTF-8. */
export function asBytes(v: unknown): Buffer | null {
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (v instanceof Uint8Array) return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return null;
}

// ---- transformers ------------------------------------------------------------------------

const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** base64 decode; null (not available) if the text is not valid base64, as libsinsp fails the extraction. */
export function b64decode(v: string | Uint8Array): string | null {
  const s = typeof v === 'string' ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1');
  if (!B64_RE.test(s)) return null;
  return Buffer.from(s, 'base64').toString('utf8');
}

export function basename(s: string): string {
  const i = s.lastIndexOf('/');
  return i < 0 ? s : s.slice(i + 1);
}

/**
 * getopt(3)-style scan of an argv list (libs' getopt transformer): stops at "--" and at the
 * first non-option, skips long options, expands clusters like "-nt". Without a selector the
 * result is the list of options (each option with an argument followed by its value, unknown
 * options as "?"); with a selector it is the value (or the option letter) of the last
 * occurrence of that option, or null if it does not occur.
 */
export function getopt(argv: readonly unknown[], optstring: string, selector: string | undefined): string[] | string | null {
  const valid = new Set<string>();
  const withArg = new Set<string>();
  for (let i = optstring.startsWith(':') ? 1 : 0; i < optstring.length; i++) {
    const c = optstring[i];
    if (c === ':') continue;
    valid.add(c);
    if (optstring[i + 1] === ':') { withArg.add(c); i++; }
  }
  const out: string[] = [];
  let selected: string | null = null;
  for (let ai = 0; ai < argv.length; ai++) {
    const arg = String(argv[ai]);
    if (arg === '--') break;
    if (arg.length > 2 && arg.startsWith('--')) continue;
    if (arg.length < 2 || arg[0] !== '-') break;
    for (let i = 1; i < arg.length; i++) {
      const opt = arg[i];
      if (opt === ':' || !valid.has(opt)) {
        if (selector === undefined) out.push('?');
        continue;
      }
      const hit = selector === undefined || selector === opt;
      if (!withArg.has(opt)) {
        if (hit) { if (selector === undefined) out.push(opt); else selected = opt; }
        continue;
      }
      let value: string | null = null;
      if (i + 1 < arg.length) value = arg.slice(i + 1);
      else if (ai + 1 < argv.length) value = String(argv[++ai]);
      if (hit) {
        if (selector === undefined) { out.push(opt); if (value !== null) out.push(value); }
        else selected = value ?? '';
      }
      break;
    }
  }
  return selector === undefined ? out : selected;
}
