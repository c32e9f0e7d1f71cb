// What the reader hands the collector, and what the collector hands the compiler: the rules
// language's items after schema checks, before any condition is parsed. Mirrors the shapes of
// Falco's rule_loader (list_info, macro_info, rule_info, rule_update_info).
import type { Priority } from '../outputs/alert.js';
import type { Pos } from './result.js';

/** Offset in a condition's text → where that character is in the rules file (null: unknown). */
export type CondMap = (offset: number) => Pos | null;

export interface ListInfo {
  name: string;
  items: string[];
  pos: Pos;
  /** Position of the first definition: a redefinition keeps it (Falco's define_info). */
  index: number;
  /** Index of the last define/append: lists and macros up to here are visible to it. */
  visibility: number;
}

export interface MacroInfo {
  name: string;
  cond: string;
  pos: Pos;
  condPos: Pos;
  /** Maps an offset in `cond` (as read) to its file position; absent once text was appended. */
  condMap?: CondMap;
  index: number;
  visibility: number;
}

/** A scalar or a (nested) list of scalars in an exception's fields/comps/values. */
export interface ExceptionEntry {
  isList: boolean;
  item: string;
  items: ExceptionEntry[];
}

export interface ExceptionInfo {
  name: string;
  /** undefined when the key is absent (allowed when appending values to an existing exception). */
  fields: ExceptionEntry | undefined;
  comps: ExceptionEntry | undefined;
  values: ExceptionEntry[];
  pos: Pos;
}

export interface RuleInfo {
  name: string;
  cond: string;
  condPos: Pos;
  condMap?: CondMap;
  output: string;
  outputPos: Pos;
  desc: string;
  priority: Priority;
  source: string;
  enabled: boolean;
  warnEvttypes: boolean;
  skipIfUnknownFilter: boolean;
  capture: boolean;
  captureDuration: number;
  /** Sorted, unique (Falco keeps tags in a std::set, so alerts list them sorted). */
  tags: string[];
  exceptions: ExceptionInfo[];
  unknownSource: boolean;
  pos: Pos;
  /** The file the rule was first defined in. */
  file: string;
  index: number;
  visibility: number;
}

/** An `override` (append or replace) or legacy `append: true` item for an existing rule. */
export interface RuleUpdate {
  name: string;
  pos: Pos;
  cond?: string;
  condPos?: Pos;
  condMap?: CondMap;
  output?: string;
  desc?: string;
  tags?: string[];
  exceptions?: ExceptionInfo[];
  priority?: Priority;
  enabled?: boolean;
  warnEvttypes?: boolean;
  skipIfUnknownFilter?: boolean;
  capture?: boolean;
  captureDuration?: number;
}

export interface PluginRequirement {
  name: string;
  version: string;
}

export interface Semver {
  major: number;
  minor: number;
  patch: number;
}
