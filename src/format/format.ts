// Output formats (sysdig -p): compiled once into a list of literal and field pieces, then
// rendered per event by concatenation.
//
//   "*%evt.num %proc.name[%thread.tid] %10fd.name %evt.arg.fd %proc.aname[2]"
//     leading '*'   print events even when a field has no value (it prints <NA>); without it,
//                   sysdig skips every event for which any field is missing
//     %NNfield      the value in a column of exactly NN characters (padded with spaces, or cut)
//
// JSON output (-j) prints one object per event with the fields as keys, sorted by name, numbers
// and booleans typed, missing values as null (sysdig's shape).

import type { FieldDef, FieldValue } from '../filter/field-api.js';
import { KestrelError } from '../errors.js';
import type { EvalContext } from '../state/inspector.js';
import type { StateFieldRegistry } from '../state/fields.js';

/** sysdig's default line format. */
export const DEFAULT_FORMAT = '*%evt.num %evt.outputtime %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.info';

/** One field reference in a format. */
export interface FormatField {
  /** As written, e.g. "proc.aname[2]". */
  readonly text: string;
  readonly def: FieldDef<EvalContext>;
  readonly arg: string | number | undefined;
  readonly width: number;
}

/** Compiles a transformer expression such as `tolower(proc.name)` (src/filter compileValueExpr). */
export type ValueCompiler = (text: string) => { eval(ctx: EvalContext): FieldValue; readonly type: FieldDef['type'] };

export interface CompileFormatOptions {
  /** Enables `%tolower(proc.name)`-style transformers (Falco output syntax; sysdig has none). */
  valueCompiler?: ValueCompiler;
}

export interface FormatOptions {
  /** Render evt.outputtime as the raw ns timestamp (JSON) instead of a time string. */
  rawOutputTime?: boolean;
  /** Hook to post-process a field's text (e.g. untruncated evt.info); return undefined to keep. */
  override?: (f: FormatField, ctx: EvalContext) => FieldValue | undefined;
}

const FIELD_CHAR = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46;

export class CompiledFormat {
  readonly printAll: boolean;
  /** Literal i precedes field i; literals has one more entry than fields. */
  readonly literals: string[] = [];
  readonly fields: FormatField[] = [];
  private readonly jsonKeys: number[];
  private readonly jsonNames: string[];

  constructor(readonly text: string, registry: StateFieldRegistry, copts: CompileFormatOptions = {}) {
    let s = text;
    this.printAll = s.startsWith('*');
    if (this.printAll) s = s.slice(1);
    let lit = '';
    let i = 0;
    while (i < s.length) {
      const ch = s.charCodeAt(i);
      if (ch !== 37 /* % */) { lit += s[i]; i++; continue; }
      let j = i + 1;
      let width = 0;
      while (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) { width = width * 10 + (s.charCodeAt(j) - 48); j++; }
      const start = j;
      while (j < s.length && FIELD_CHAR(s.charCodeAt(j))) j++;
      if (j < s.length && s[j] === '(' && j > start && !s.slice(start, j).includes('.')) {
        // A transformer: %tolower(proc.name), %basename(fd.name), nested ones too.
        let depth = 0, k = j;
        for (; k < s.length; k++) { if (s[k] === '(') depth++; else if (s[k] === ')' && --depth === 0) break; }
        if (k >= s.length) throw new KestrelError('KES_FORMAT', `format: unterminated '(' after %${s.slice(start, j)} at offset ${j}`);
        const expr = s.slice(start, k + 1);
        if (copts.valueCompiler === undefined) throw new KestrelError('KES_FORMAT', `format: transformers (%${expr}) are not available here`);
        let cv: ReturnType<ValueCompiler>;
        try { cv = copts.valueCompiler(expr); } catch (e) {
          throw new KestrelError('KES_FORMAT', `format: %${expr} at offset ${i}: ${e instanceof Error ? e.message : String(e)}`);
        }
        const def: FieldDef<EvalContext> = { name: expr, type: cv.type, desc: 'transformer', arg: 'none', extract: (ctx) => cv.eval(ctx) };
        this.literals.push(lit);
        lit = '';
        this.fields.push({ text: expr, def, arg: undefined, width });
        i = k + 1;
        continue;
      }
      let end = j;
      if (j < s.length && s[j] === '[') {
        const close = s.indexOf(']', j);
        if (close < 0) throw new KestrelError('KES_FORMAT', `format: unterminated '[' after %${s.slice(start, j)} at offset ${j}`);
        end = close + 1;
      }
      let name = s.slice(start, end);
      let r = name === '' ? undefined : registry.resolve(name);
      // A trailing '.' belongs to the text ("%proc.name." ends a sentence).
      while (!r && name.endsWith('.') && end > start) { end--; name = s.slice(start, end); r = registry.resolve(name); }
      if (!r) {
        const hint = name ? registry.suggest(name.replace(/\[.*$/, '')) : undefined;
        throw new KestrelError('KES_FORMAT', `format: invalid formatting token %${s.slice(start, Math.max(end, j)) || ''} at offset ${i + (this.printAll ? 1 : 0)}${hint ? ` (did you mean %${hint}?)` : ''}`);
      }
      this.literals.push(lit);
      lit = '';
      this.fields.push({ text: name, def: r.def, arg: r.arg, width });
      i = end;
    }
    this.literals.push(lit);
    const idx = this.fields.map((_, k) => k).sort((a, b) => (this.fields[a].text < this.fields[b].text ? -1 : this.fields[a].text > this.fields[b].text ? 1 : 0));
    // JSON objects have unique keys: keep the first occurrence of each field.
    this.jsonKeys = [];
    this.jsonNames = [];
    for (const k of idx) {
      const n = this.fields[k].text;
      if (this.jsonNames.length && this.jsonNames[this.jsonNames.length - 1] === n) continue;
      this.jsonKeys.push(k);
      this.jsonNames.push(n);
    }
  }

  /** The event as one text line, or null when a field is missing and the format has no '*'. */
  format(ctx: EvalContext, opts?: FormatOptions): string | null {
    const fields = this.fields;
    let out = this.literals[0];
    for (let k = 0; k < fields.length; k++) {
      const f = fields[k];
      let v: FieldValue | undefined = opts?.override ? opts.override(f, ctx) : undefined;
      if (v === undefined) v = f.def.extract(ctx, f.arg);
      let t: string;
      if (v === null) {
        if (!this.printAll) return null;
        t = '<NA>';
      } else t = f.def.display !== undefined ? f.def.display(v) : valueText(v);
      // sysdig sets the column to exactly NN characters: padded, or cut.
      if (f.width > 0) t = f.width > t.length ? t + ' '.repeat(f.width - t.length) : t.slice(0, f.width);
      out += t + this.literals[k + 1];
    }
    return out;
  }

  /** The event as a JSON object text (sysdig -j), or null like format(). */
  json(ctx: EvalContext, opts?: FormatOptions): string | null {
    let out = '{';
    for (let n = 0; n < this.jsonKeys.length; n++) {
      const f = this.fields[this.jsonKeys[n]];
      let v: FieldValue | undefined = opts?.override ? opts.override(f, ctx) : undefined;
      if (v === undefined) v = f.def.extract(ctx, f.arg);
      if (v === null && !this.printAll) return null;
      if (n > 0) out += ',';
      out += JSON.stringify(this.jsonNames[n]) + ':' + jsonValue(f.def, v);
    }
    return out + '}';
  }
}

/** Text of a field value as sysdig prints it. */
export function valueText(v: FieldValue): string {
  switch (typeof v) {
    case 'string': return v;
    case 'number': return String(v);
    case 'bigint': return v.toString();
    case 'boolean': return v ? 'true' : 'false';
    default:
      if (v === null) return '<NA>';
      if (v instanceof Uint8Array) {
        let s = '';
        for (let i = 0; i < v.length; i++) s += v[i] >= 0x20 && v[i] < 0x7f ? String.fromCharCode(v[i]) : '.';
        return s;
      }
      return (v as readonly unknown[]).map((x) => String(x)).join(',');
  }
}

function jsonValue(def: FieldDef<EvalContext>, v: FieldValue): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'number': return Number.isFinite(v) ? String(v) : 'null';
    case 'bigint': return v.toString();
    case 'boolean': return v ? 'true' : 'false';
    case 'string': return JSON.stringify(v);
    default: return JSON.stringify(valueText(v));
  }
}

export function compileFormat(text: string, registry: StateFieldRegistry, opts?: CompileFormatOptions): CompiledFormat {
  return new CompiledFormat(text, registry, opts);
}
