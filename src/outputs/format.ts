// Alert rendering in Falco's two shapes (falco-inventory.md §4.2):
//
//   text:  "<evt.time>: <Priority> <output>"          evt.time = local HH:MM:SS.nnnnnnnnn,
//                                                      or UTC ISO 8601 "…T…nnnnnnnnn+0000"
//   JSON:  {"hostname","message"?,"output"?,"output_fields"?,"priority","rule","source",
//           "tags"?,"time"}                            keys in byte order, like nlohmann's map
//
// Internal alerts (source 'internal', e.g. syscall drops) follow Falco's handle_msg():
//   text:  "<HH:MM:SS.nnnnnnnnn>: <Priority> <msg> (k="v" k2="v2")"  (keys sorted)
//   JSON:  {"hostname","output":<msg>,"output_fields","priority","rule","source","time"} (no tags)
//
// Safety: every alert renders to exactly one line. Event data can carry anything (newlines,
// ANSI escapes, quotes, lone surrogates from bad UTF-8), so:
//   text  — C0 controls, DEL, C1 controls (NEL U+0085 is a line break for some readers) and
//           U+2028/U+2029 become \xNN / \uNNNN; lone surrogates become U+FFFD.
//   JSON  — JSON escaping plus \u escapes for DEL, C1 and U+2028/2029; lone surrogates become
//           U+FFFD (Falco dumps with error_handler_t::replace); byte buffers are decoded as
//           UTF-8 with replacement.
import type { FieldValue } from '../filter/field-api.js';
import type { Alert } from './alert.js';

export interface FormatOptions {
  /** json_output */
  json: boolean;
  /** time_format_iso_8601: the text prefix (and JSON "output") uses evt.time.iso8601. */
  timeIso8601: boolean;
  /** json_include_output_property (default true) */
  includeOutput: boolean;
  /** json_include_tags_property (default true) */
  includeTags: boolean;
  /** json_include_message_property (default false) */
  includeMessage: boolean;
  /** json_include_output_fields_property (default true) */
  includeOutputFields: boolean;
}

export const DEFAULT_FORMAT: FormatOptions = {
  json: false, timeIso8601: false, includeOutput: true, includeTags: true, includeMessage: false, includeOutputFields: true,
};

// ─── escaping ──────────────────────────────────────────────────────────────────────────────

// Characters that may break or forge a line, or fool a terminal.
// eslint-disable-next-line no-control-regex
const TEXT_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff]/;
// eslint-disable-next-line no-control-regex
const TEXT_UNSAFE_G = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Replaces lone surrogates (what bad UTF-8 or a cut string leaves) with U+FFFD. */
export function wellFormed(s: string): string { return s.replace(LONE_SURROGATE, '\ufffd'); }

function hex2(c: number): string { return (c < 16 ? '0' : '') + c.toString(16); }

function textEscapeChar(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c === 0x0a) return '\\n';
  if (c === 0x0d) return '\\r';
  if (c === 0x09) return '\\t';
  if (c <= 0xff) return '\\x' + hex2(c);
  return '\\u' + c.toString(16);
}

/** Makes a string safe to print as (part of) one text line. */
export function escapeText(s: string): string {
  if (!TEXT_UNSAFE.test(s)) return s;
  return wellFormed(s).replace(TEXT_UNSAFE_G, textEscapeChar);
}

// JSON.stringify escapes C0, quotes and backslashes; these are the extra ones we escape.
const JSON_EXTRA = /[\u007f-\u009f\u2028\u2029]/g;
// eslint-disable-next-line no-control-regex
const JSON_ANY_ESCAPE = /["\\\u0000-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff]/;
const JSON_EXTRA_OR_SURROGATE = /[\u007f-\u009f\u2028\u2029\ud800-\udfff]/;

function jsonExtraChar(ch: string): string { return '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'); }

/** A JSON string literal for `s`, always valid UTF-8 and free of line separators. */
export function jsonString(s: string): string {
  // Most strings need no escaping at all: quote them directly.
  if (!JSON_ANY_ESCAPE.test(s)) return '"' + s + '"';
  if (!JSON_EXTRA_OR_SURROGATE.test(s)) return JSON.stringify(s);
  // Escape after stringify: these characters are left raw by JSON.stringify.
  return JSON.stringify(wellFormed(s)).replace(JSON_EXTRA, jsonExtraChar);
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** The JSON text for one typed field value (Falco keeps numbers as numbers; bigints exact). */
export function jsonValue(v: FieldValue): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string': return jsonString(v);
    case 'number': return Number.isFinite(v) ? String(v) : 'null';
    case 'bigint': return v.toString();
    case 'boolean': return v ? 'true' : 'false';
    default: break;
  }
  if (v instanceof Uint8Array) return jsonString(utf8.decode(v));
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out += ',';
      out += jsonValue(v[i] as FieldValue);
    }
    return out + ']';
  }
  return 'null';
}

// ─── time ──────────────────────────────────────────────────────────────────────────────────

const NS = 1_000_000_000n;

function pad2(n: number): string { return n < 10 ? '0' + n : String(n); }
function pad9(n: number): string { return String(n).padStart(9, '0'); }

function splitNs(t: bigint): { sec: number; ns: number } {
  if (t < 0n) t = 0n;
  return { sec: Number(t / NS), ns: Number(t % NS) };
}

// Alerts come in bursts within the same second: cache the formatted seconds part and only
// append the nanoseconds (Date objects and timezone lookups dominated the cost otherwise).
let localSec = -1;
let localStr = '';
let utcSec = -1;
let utcStr = '';

/** Forgets the cached seconds (the timezone changed; tests). */
export function resetTimeCache(): void { localSec = -1; utcSec = -1; }

/** Local "HH:MM:SS.nnnnnnnnn", Falco's %evt.time. */
export function timeLocal(t: bigint): string {
  const { sec, ns } = splitNs(t);
  if (sec !== localSec) {
    const off = -new Date(sec * 1000).getTimezoneOffset() * 60;
    const s = (((sec + off) % 86400) + 86400) % 86400;
    localStr = `${pad2(Math.floor(s / 3600))}:${pad2(Math.floor((s % 3600) / 60))}:${pad2(s % 60)}.`;
    localSec = sec;
  }
  return localStr + pad9(ns);
}

function utcDateTime(sec: number): string {
  if (sec === utcSec) return utcStr;
  const d = new Date(sec * 1000);
  utcSec = sec;
  return utcStr = `${d.getUTCFullYear().toString().padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

/** "YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+0000", Falco's %evt.time.iso8601. */
export function timeIso8601(t: bigint): string {
  const { sec, ns } = splitNs(t);
  return `${utcDateTime(sec)}.${pad9(ns)}+0000`;
}

/** "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ", the JSON "time" property. */
export function timeJson(t: bigint): string {
  const { sec, ns } = splitNs(t);
  return `${utcDateTime(sec)}.${pad9(ns)}Z`;
}

// ─── the formatter ─────────────────────────────────────────────────────────────────────────

export class AlertFormatter {
  readonly opts: FormatOptions;
  private readonly timeField: string;
  // Alerts of one rule share hostnames, rule names and tags; keep their escaped forms.
  private lastHost = '';
  private lastHostJson = '""';

  constructor(opts: Partial<FormatOptions> = {}) {
    this.opts = { ...DEFAULT_FORMAT, ...opts };
    this.timeField = this.opts.timeIso8601 ? 'evt.time.iso8601' : 'evt.time';
  }

  /** The configured shape: JSON when json_output, else text. One line, no newline. */
  render(a: Alert): string {
    return this.opts.json ? this.json(a) : this.text(a);
  }

  /** The text line: "<time>: <Priority> <output>". */
  text(a: Alert): string {
    if (a.source === 'internal') return this.internalText(a);
    const t = this.opts.timeIso8601 ? timeIso8601(a.time) : timeLocal(a.time);
    return `${t}: ${escapeText(a.priority)} ${escapeText(a.output)}`;
  }

  json(a: Alert): string {
    if (a.source === 'internal') return this.internalJson(a);
    const o = this.opts;
    const prefix = o.timeIso8601 ? timeIso8601(a.time) : timeLocal(a.time);
    let out = '{"hostname":' + this.host(a.hostname);
    if (o.includeMessage) out += ',"message":' + jsonString(a.output);
    if (o.includeOutput) out += ',"output":' + jsonString(prefix + ': ' + a.priority + ' ' + a.output);
    if (o.includeOutputFields) out += ',"output_fields":' + this.fields(a.outputFields, a.time, true);
    out += ',"priority":' + jsonString(a.priority);
    out += ',"rule":' + jsonString(a.rule);
    out += ',"source":' + jsonString(a.source);
    if (o.includeTags) out += ',"tags":' + tagsJson(a.tags);
    out += ',"time":"' + timeJson(a.time) + '"}';
    return out;
  }

  private internalText(a: Alert): string {
    let out = `${timeLocal(a.time)}: ${escapeText(a.priority)} ${escapeText(a.output)} (`;
    const keys = Object.keys(a.outputFields).sort();
    for (let i = 0; i < keys.length; i++) {
      if (i > 0) out += ' ';
      // Falco dumps each value as JSON, so strings appear quoted: n_drops="5".
      out += escapeText(keys[i]!) + '=' + jsonValue(a.outputFields[keys[i]!]!);
    }
    return out + ')';
  }

  private internalJson(a: Alert): string {
    return '{"hostname":' + this.host(a.hostname)
      + ',"output":' + jsonString(a.output)
      + ',"output_fields":' + this.fields(a.outputFields, a.time, false)
      + ',"priority":' + jsonString(a.priority)
      + ',"rule":' + jsonString(a.rule)
      + ',"source":"internal"'
      + ',"time":"' + timeJson(a.time) + '"}';
  }

  private host(h: string): string {
    if (h !== this.lastHost) { this.lastHost = h; this.lastHostJson = jsonString(h); }
    return this.lastHostJson;
  }

  /**
   * output_fields: the rule's fields plus the time prefix field (evt.time or evt.time.iso8601),
   * which Falco renders as the event time in ns and which wins over a same-named rule field.
   */
  private fields(f: Record<string, FieldValue>, t: bigint, withTime: boolean): string {
    const keys = Object.keys(f);
    if (withTime && !Object.prototype.hasOwnProperty.call(f, this.timeField)) keys.push(this.timeField);
    keys.sort();
    let out = '{';
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (i > 0) out += ',';
      out += jsonString(k) + ':' + (withTime && k === this.timeField ? (t < 0n ? '0' : t.toString()) : jsonValue(f[k]!));
    }
    return out + '}';
  }
}

/** Tags as Falco prints them: a std::set, so sorted and without duplicates. */
function tagsJson(tags: readonly string[]): string {
  if (tags.length === 0) return '[]';
  const sorted = [...new Set(tags)].sort();
  let out = '[';
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0) out += ',';
    out += jsonString(sorted[i]!);
  }
  return out + ']';
}
