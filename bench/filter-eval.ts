// Micro-benchmark: compiled condition evaluations per second on synthetic event contexts.
//
//   npx tsc -p tsconfig.json && node dist/bench/filter-eval.js [iterations]
//
// The contexts are fixed-shape objects and the fields read their properties, so the numbers
// are the cost of the compiled predicate itself (structure, lazy extraction, comparators),
// not of kestrel's state lookups. A hand-written predicate for the same condition is the
// baseline.

import { compileFilter } from '../src/filter/compile.js';
import type { FieldDef, FieldRegistry, FieldType, FieldValue } from '../src/filter/field-api.js';

interface Ev {
  type: string; name: string; pname: string; cmdline: string; fdname: string; pid: number; uid: number;
  aname: string[]; sip: string;
}

function field(name: string, type: FieldType, extract: (e: Ev) => FieldValue, extra: Partial<FieldDef<Ev>> = {}): FieldDef<Ev> {
  return { name, type, desc: name, arg: 'none', ...extra, extract: (e) => extract(e) };
}

const defs: FieldDef<Ev>[] = [
  field('evt.type', 'string', (e) => e.type),
  field('proc.name', 'string', (e) => e.name),
  field('proc.pname', 'string', (e) => e.pname),
  field('proc.cmdline', 'string', (e) => e.cmdline),
  field('fd.name', 'string', (e) => e.fdname),
  field('proc.pid', 'int64', (e) => e.pid),
  field('user.uid', 'uint32', (e) => e.uid),
  field('proc.aname', 'string', (e) => e.aname, { matchAny: true }),
  field('fd.sip', 'ipaddr', (e) => e.sip),
];
const byName = new Map(defs.map((d) => [d.name, d]));
const registry: FieldRegistry<Ev> = { lookup: (n) => byName.get(n), all: () => defs, suggest: () => undefined };

const SHELLS = ['ash', 'bash', 'csh', 'ksh', 'sh', 'tcsh', 'zsh', 'dash'];
const PARENTS = Array.from({ length: 200 }, (_, i) => `daemon${i}`);

const CONDITIONS: Record<string, { text: string; baseline: (e: Ev) => boolean }> = {
  'shell spawned (in-lists, not, startswith)': {
    text: `evt.type in (execve, execveat) and proc.name in (${SHELLS.join(', ')}) and not proc.pname in (${PARENTS.join(', ')}) and not proc.cmdline startswith "sh -c /usr/lib"`,
    baseline: (() => {
      const sh = new Set(SHELLS);
      const pp = new Set(PARENTS);
      return (e: Ev) => (e.type === 'execve' || e.type === 'execveat') && sh.has(e.name) && !pp.has(e.pname) && !e.cmdline.startsWith('sh -c /usr/lib');
    })(),
  },
  'sensitive file (or of startswith, pmatch, glob)': {
    text: 'evt.type in (open, openat, openat2) and (fd.name startswith /etc/shadow or fd.name pmatch (/etc/sudoers.d, /root/.ssh) or fd.name glob "/home/*/.ssh/id_*") and user.uid != 0',
    baseline: (e: Ev) => (e.type === 'open' || e.type === 'openat' || e.type === 'openat2') && (e.fdname.startsWith('/etc/shadow') || e.fdname === '/etc/sudoers.d' || e.fdname.startsWith('/etc/sudoers.d/') || e.fdname === '/root/.ssh' || e.fdname.startsWith('/root/.ssh/') || /^\/home\/.*\/\.ssh\/id_.*$/.test(e.fdname)) && e.uid !== 0,
  },
  'regex + ancestors + ip': {
    text: 'proc.cmdline regex ".*(curl|wget) .*http.*" and proc.aname in (nginx, httpd, apache2) and not fd.sip = 10.0.0.1',
    baseline: (e: Ev) => /^(?:.*(curl|wget) .*http.*)$/.test(e.cmdline) && e.aname.some((a) => a === 'nginx' || a === 'httpd' || a === 'apache2') && e.sip !== '10.0.0.1',
  },
};

function contexts(): Ev[] {
  const types = ['execve', 'openat', 'read', 'write', 'connect', 'close', 'open', 'execveat'];
  const names = ['bash', 'nginx', 'python3', 'sh', 'cat', 'curl', 'zsh', 'java'];
  const files = ['/etc/shadow', '/etc/passwd', '/root/.ssh/authorized_keys', '/home/bob/.ssh/id_rsa', '/var/log/syslog', '/tmp/x', '/etc/sudoers.d/admins', '/usr/lib/libc.so.6'];
  const out: Ev[] = [];
  for (let i = 0; i < 64; i++) {
    out.push({
      type: types[i % types.length], name: names[(i * 3) % names.length], pname: i % 5 === 0 ? 'daemon7' : 'sshd',
      cmdline: i % 7 === 0 ? 'curl -s http://example.com/x.sh' : `proc --arg ${i}`, fdname: files[(i * 5) % files.length],
      pid: 1000 + i, uid: i % 3, aname: i % 4 === 0 ? ['sh', 'nginx', 'systemd'] : ['sshd', 'systemd'], sip: i % 2 ? '10.0.0.1' : '192.168.1.2',
    });
  }
  return out;
}

function measure(fn: (e: Ev) => boolean, evs: readonly Ev[], iters: number): { perSec: number; hits: number } {
  let hits = 0;
  for (let i = 0; i < 20000; i++) if (fn(evs[i & 63])) hits++; // warm-up
  hits = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iters; i++) if (fn(evs[i & 63])) hits++;
  const ns = Number(process.hrtime.bigint() - t0);
  return { perSec: iters / (ns / 1e9), hits };
}

const iters = Number(process.argv[2] ?? 2_000_000);
const evs = contexts();
console.log(`filter-eval: ${iters} evaluations per condition, 64 rotating contexts, node ${process.version}`);
for (const [label, { text, baseline }] of Object.entries(CONDITIONS)) {
  const f = compileFilter(text, registry);
  const c = measure((e) => f.match(e), evs, iters);
  const b = measure(baseline, evs, iters);
  if (c.hits !== b.hits) throw new Error(`${label}: compiled ${c.hits} hits, baseline ${b.hits}`);
  console.log(`${label.padEnd(48)} compiled ${(c.perSec / 1e6).toFixed(1).padStart(6)} M/s   hand-written ${(b.perSec / 1e6).toFixed(1).padStart(6)} M/s   (${c.hits} matches)`);
}
