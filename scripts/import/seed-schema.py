#!/usr/bin/env python3
"""One-off: seed schema/events.ts from the 2022 table dump (dump-2022-table.c) and the
current table (../shared/reference/event-table-current.tsv). After seeding, schema/events.ts
is the single source of truth and is edited by hand; this script only records provenance.
usage: seed-schema.py TABLE2022.json PPM_EVENTS_PUBLIC_H CURRENT_TSV > schema/events.ts"""
import json, re, sys

t = json.load(open(sys.argv[1]))
hdr = open(sys.argv[2]).read()
cur = [l.rstrip('\n').split('\t') for l in open(sys.argv[3])][1:]

PT = {}
for m in re.finditer(r'\b(PT_[A-Z0-9_]+) = (\d+)', hdr):
    PT[int(m.group(2))] = m.group(1)[3:]
PT_CUR_EXTRA = {'ENUMFLAGS8': 44, 'ENUMFLAGS16': 45, 'ENUMFLAGS32': 46, 'FD32': 47, 'PID32': 48}
PF = {0: 'NA', 1: 'DEC', 2: 'HEX', 3: 'PADDED_DEC', 4: 'ID', 5: 'DIR', 6: 'OCT'}
EC = {0: 'unknown', 1: 'other', 2: 'file', 3: 'net', 4: 'ipc', 5: 'memory', 6: 'process', 7: 'sleep', 8: 'system',
      9: 'signal', 10: 'user', 11: 'time', 12: 'processing', 32: 'io_read', 33: 'io_write', 34: 'io_other',
      64: 'wait', 128: 'scheduler', 256: 'internal'}
EF = ['CREATES_FD', 'DESTROYS_FD', 'USES_FD', 'READS_FROM_FD', 'WRITES_TO_FD', 'MODIFIES_STATE', 'UNUSED', 'WAITS',
      'SKIPPARSERESET', 'OLD_VERSION', 'DROP_SIMPLE_CONS', 'LARGE_PAYLOAD']
SC = sorted((int(m.group(2)), m.group(1)[7:].lower()) for m in re.finditer(r'\b(PPM_SC_[A-Z0-9_]+) = (\d+)', hdr))

def default_fmt(ty):
    return 'NA' if ty in ('CHARBUF', 'BYTEBUF', 'FSPATH', 'FSRELPATH', 'SOCKADDR', 'SOCKTUPLE', 'FDLIST') else 'DEC'

def p(name, ty, fmt, extra=''):
    return "p(%s, '%s', '%s'%s)" % (json.dumps(name), ty, fmt, extra)

def parse_params(s):
    s = s.strip()
    if not s or s == '—':
        return []
    out = []
    for item in s.split(', '):
        n, ty = item.rsplit(':', 1)
        out.append((n, ty))
    return out

lines = []
cur_by_id = {int(r[0]): r for r in cur}
for ev in t['events']:
    i = ev['id']
    r = cur_by_id[i]
    enum, dirc = r[1], r[3]
    flags = '|'.join(f for k, f in enumerate(EF) if ev['flags'] & (1 << k)) or 'NONE'
    ps = []
    for q in ev['params']:
        ty = PT[q['type']]
        extra = ''
        if 'dirfd' in q: extra = ', {dirfd: %d}' % q['dirfd']
        elif 'dyn' in q: extra = ", {dyn: '%s'}" % q['dyn']
        elif 'flagtable' in q: extra = ", {flags: '%s'}" % q['flagtable']
        ps.append(p(q['name'], ty, PF[q['fmt']], extra))
    # parameters the current table appends after the 2022 ones
    curp = parse_params(r[6])
    app = [p(n, ty, default_fmt(ty)) for n, ty in curp[len(ev['params']):]]
    lines.append("  ev(%d, '%s', %s, '%s', '%s', '%s', [%s]%s)," % (
        i, enum, json.dumps(ev['name']), dirc, EC[ev['category']], flags, ', '.join(ps),
        (', [' + ', '.join(app) + ']') if app else ''))
for r in cur:
    i = int(r[0])
    if i < len(t['events']):
        continue
    flags = '|'.join(f.strip()[3:] for f in r[4].split('|') if f.strip() not in ('EF_NONE', '')) or 'NONE'
    flags = '|'.join(x for x in flags.split('|') if x in EF) or 'NONE'
    ps = [p(n, ty, default_fmt(ty)) for n, ty in parse_params(r[6])]
    lines.append("  ev(%d, '%s', %s, '%s', '%s', '%s', [%s])," % (i, r[1], json.dumps(r[2]), r[3], 'other', flags, ', '.join(ps)))

print(open(sys.argv[0].replace('seed-schema.py', 'schema-head.ts.txt')).read(), end='')
print('export const EVENTS: readonly EventSpec[] = [')
print('\n'.join(lines))
print('];\n')
print('/** Flag and enum tables, value names as the driver prints them (2022-03 flags_table.c). */')
print('export const FLAG_TABLES: Readonly<Record<string, readonly (readonly [string, number])[]>> = {')
for name, vals in t['flagtables'].items():
    print('  %s: [%s],' % (name, ', '.join('[%s, %d]' % (json.dumps(a), b) for a, b in vals)))
print('};\n')
print('/** Dynamic parameters: the first byte selects one of these (type, print format). */')
print('export const DYN_TABLES: Readonly<Record<string, readonly (readonly [ParamType, PrintFormat])[]>> = {')
for name, vals in t['dyn'].items():
    print("  %s: [%s]," % (name, ', '.join("['%s', '%s']" % (PT[v['type']], PF[v['fmt']]) for v in vals)))
print('};\n')
print('/** PPM_SC_* syscall codes (PT_SYSCALLID values), 2022-03 numbering. */')
print('export const SYSCALL_CODES: readonly (readonly [number, string])[] = [')
for k in range(0, len(SC), 8):
    print('  ' + ' '.join('[%d, %s],' % (a, json.dumps(b)) for a, b in SC[k:k+8]))
print('];')
