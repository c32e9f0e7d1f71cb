// An alert as the detection engine hands it to the outputs layer. The outputs layer renders
// it as text or as Falco's JSON shape (falco-inventory.md §4.2).
import type { FieldValue } from '../filter/field-api.js';

export type Priority =
  | 'Emergency' | 'Alert' | 'Critical' | 'Error' | 'Warning' | 'Notice' | 'Informational' | 'Debug';

export const PRIORITIES: readonly Priority[] = [
  'Emergency', 'Alert', 'Critical', 'Error', 'Warning', 'Notice', 'Informational', 'Debug',
];

export interface Alert {
  /** Event time, ns since the epoch. */
  time: bigint;
  rule: string;
  priority: Priority;
  /** Event source: 'syscall', or 'internal' for kestrel's own alerts (drops). */
  source: string;
  /** The rendered output text (already formatted from the rule's output template). */
  output: string;
  /** The fields referenced by the output template, with typed values. */
  outputFields: Record<string, FieldValue>;
  tags: string[];
  hostname: string;
}
