// Block type ids of the scap file format (libscap scap_savefile.h; see
// /work/shared/reference/scap-format.md §2.1) and their names for messages.

export const BT = {
  SHB: 0x0a0d0d0a,
  MI: 0x201, MI_INT: 0x8002abcd,
  PL_V1: 0x202, PL_V1_INT: 0x8000abcd,
  PL_V2: 0x207, PL_V2_INT: 0x8013abcd,
  PL_V3: 0x209, PL_V3_INT: 0x8014abcd,
  PL_V4: 0x210, PL_V5: 0x211, PL_V6: 0x212, PL_V7: 0x213, PL_V8: 0x214, PL_V9: 0x215,
  FDL: 0x203, FDL_INT: 0x8001abcd, FDL_V2: 0x218,
  EV: 0x204, EV_INT: 0x8010abcd, EVF: 0x208,
  EV_V2: 0x216, EVF_V2: 0x217, EV_V2_LARGE: 0x221, EVF_V2_LARGE: 0x222,
  IL: 0x205, IL_INT: 0x8011abcd, IL_V2: 0x219,
  UL: 0x206, UL_INT: 0x8012abcd, UL_V2: 0x220,
} as const;

export const SHB_MAGIC = 0x1a2b3c4d;

const NAMES = new Map<number, string>();
for (const [k, v] of Object.entries(BT)) if (!NAMES.has(v)) NAMES.set(v, k);

export function blockName(type: number): string {
  return NAMES.get(type) ?? `unknown(0x${(type >>> 0).toString(16)})`;
}

/** PL block version (1..9) of a block type, or 0 if it is not a process list. */
export function plVersion(type: number): number {
  switch (type) {
    case BT.PL_V1: case BT.PL_V1_INT: return 1;
    case BT.PL_V2: case BT.PL_V2_INT: return 2;
    case BT.PL_V3: case BT.PL_V3_INT: return 3;
    case BT.PL_V4: return 4;
    case BT.PL_V5: return 5;
    case BT.PL_V6: return 6;
    case BT.PL_V7: return 7;
    case BT.PL_V8: return 8;
    case BT.PL_V9: return 9;
    default: return 0;
  }
}

export function isEventBlock(type: number): boolean {
  return type === BT.EV_V2 || type === BT.EVF_V2 || type === BT.EV_V2_LARGE || type === BT.EVF_V2_LARGE ||
    type === BT.EV || type === BT.EV_INT || type === BT.EVF;
}

/** Largest body (+ header and trailer) accepted for a non-LARGE event block: libscap's 64 KiB read buffer. */
export const MAX_EVENT_BLOCK = 65536 + 8;
/** Cap for LARGE event blocks and header blocks, so a corrupt length cannot allocate unboundedly. */
export const MAX_LARGE_BLOCK = 256 * 1024 * 1024;
