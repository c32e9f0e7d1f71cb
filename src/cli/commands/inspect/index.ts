// `kestrel inspect`: read a capture file, print its events, or rewrite it.
//
//   kestrel inspect -r IN.scap[.gz] [-n N] [-q] [--all-events] [-p FORMAT] [-j] [-A|-X] [-v] [FILTER]
//   kestrel inspect -r IN.scap -w OUT.scap [-z] [--keep-new-events] [FILTER]
//   kestrel inspect [-n N] [-M SECONDS] [-w OUT.scap] [FILTER]      (live capture, root)
//
// Printing runs the events through the process state (src/state) so the default line and -p
// formats carry process names, fd names and the rest, exactly as `sysdig -r` prints them.

import { parseArgs } from 'node:util';
import { KestrelError } from '../../../errors.js';
import type { Command } from '../../command.js';
import { FileSource } from '../../../capture/file-source.js';
import { ScapReader } from '../../../capture/scap-reader.js';
import type { EventView } from '../../../events/event-view.js';
import { decodeAll, SockAddr, SockTuple } from '../../../events/params.js';
import type { Inspector } from '../../../state/inspector.js';
import type { CompiledFilter } from '../../../filter/compile.js';
import type { ValueCompiler } from '../../../format/format.js';
import type { BufferMode } from '../../../format/args.js';
import type { StateFieldRegistry } from '../../../state/fields.js';
import type { EvalContext } from '../../../state/inspector.js';
import type { ContainerManager } from '../../../containers/index.js';
import { EVENT_COUNT } from '../../../events/generated/event-table.js';
import type { EventSource } from '../../../capture/types.js';

const HELP = `usage: kestrel inspect -r FILE [options] [FILTER]

Reads a scap capture (plain or gzip) and prints one line per event, like \`sysdig -r FILE\`.
FILTER is a condition in the filter language (e.g. "evt.type=open and fd.name contains /etc");
only matching events are printed (or written, with -w).

Without -r it captures live from the kernel (eBPF probe; needs root) until Ctrl-C, -n or -M.

options:
  -r, --read FILE        capture to read (without it: live capture)
  -M SECONDS             live capture: stop after SECONDS
  -w, --write FILE       rewrite the capture to FILE instead of printing (sysdig-readable)
  -z, --compress         gzip the file written with -w (also implied by a .gz name)
  -n, --count N          stop after N events
  -q, --quiet            decode every event and parameter, print nothing (benchmarks)
  -p, --print FORMAT     print each event with FORMAT, e.g. "%evt.num %proc.name %fd.name";
                         a leading '*' prints events with missing fields as <NA> (without it
                         they are skipped); %NNfield prints a column of NN characters
  -j, --json             print events as JSON objects (the -p fields, or the default ones)
  -A, --print-ascii      print only the text part of data buffers, keeping newlines
  -X, --print-hex        print data buffers as a hex and ASCII dump
  -v, --verbose          print data buffers in full instead of cutting them at 80 characters
  -s, --snaplen N        accepted for sysdig compatibility; files keep the length they were
                         captured with
      --all-events       also show events with ids >= 336, which sysdig 0.29.3 does not know
                         (by default they are skipped and evt.num matches sysdig's)
      --keep-new-events  with -w, keep events with ids >= 336 (dropped by default: sysdig
                         0.29.3 cannot read them)
  -h, --help             this help
`;

/** KESTREL_PHASES=1: start-up phases on stderr (ms since the process started), for bench/. */
const PHASES = process.env.KESTREL_PHASES === '1';
const phases: string[] = [];
function phase(name: string): void {
  if (!PHASES) return;
  phases.push(`${name} ${performance.now().toFixed(1)}`);
  if (name === 'events') process.stderr.write(`kestrel phases (ms since start): ${phases.join(', ')}\n`);
}

/** Writes text to stdout, waiting when the pipe is full; a closed pipe (EPIPE) ends quietly. */
class Out {
  private chunks: string[] = [];
  private size = 0;
  closed = false;
  private hooked = false;
  /**
   * process.stdout is created on first access (~20 ms for a pipe or file): a replay whose
   * filter matches nothing never touches it.
   */
  private stdout(): NodeJS.WriteStream {
    if (!this.hooked) {
      this.hooked = true;
      process.stdout.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE') this.closed = true;
      });
    }
    return process.stdout;
  }
  push(s: string): void {
    this.chunks.push(s);
    this.size += s.length;
  }
  async flush(force = false): Promise<void> {
    if (this.size === 0 || (!force && this.size < 1 << 16)) return;
    const text = this.chunks.join('');
    this.chunks = [];
    this.size = 0;
    const out = this.stdout();
    if (this.closed) return;
    if (!out.write(text)) {
      await new Promise<void>((resolve) => {
        const done = () => { out.off('drain', done); out.off('error', done); resolve(); };
        out.on('drain', done);
        out.on('error', done);
      });
    }
  }
}

/** In JSON, sysdig prints evt.outputtime as the raw ns timestamp. */
const JSON_OPTS = {
  override: (f: { def: { name: string } }, ctx: EvalContext) => (f.def.name === 'evt.outputtime' ? ctx.ev.ts() : undefined),
};

export const command: Command = {
  name: 'inspect',
  summary: 'print or rewrite the events of a capture file',
  async run(args: string[]): Promise<number> {
    phase('command');
    const { values, positionals } = parseArgs({
      args,
      options: {
        read: { type: 'string', short: 'r' },
        write: { type: 'string', short: 'w' },
        compress: { type: 'boolean', short: 'z' },
        count: { type: 'string', short: 'n' },
        quiet: { type: 'boolean', short: 'q' },
        'all-events': { type: 'boolean' },
        'keep-new-events': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        print: { type: 'string', short: 'p' },
        json: { type: 'boolean', short: 'j' },
        'print-ascii': { type: 'boolean', short: 'A' },
        'print-hex': { type: 'boolean', short: 'X' },
        verbose: { type: 'boolean', short: 'v' },
        snaplen: { type: 'string', short: 's' },
        'max-seconds': { type: 'string', short: 'M' },
      },
      strict: true,
      allowPositionals: true,
    });
    const filterText = positionals.join(' ').trim();
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const live = !values.read;
    let seconds: number | undefined;
    if (values['max-seconds'] !== undefined) {
      if (!/^\d+(\.\d+)?$/.test(values['max-seconds'])) throw new KestrelError('KES_USAGE', `inspect: -M wants a number of seconds, got '${values['max-seconds']}'`);
      if (!live) throw new KestrelError('KES_USAGE', 'inspect: -M applies to live capture (without -r)');
      seconds = Number(values['max-seconds']);
    }
    let limit = Infinity;
    if (values.count !== undefined) {
      if (!/^\d+$/.test(values.count)) throw new KestrelError('KES_USAGE', `inspect: -n wants a number, got '${values.count}'`);
      limit = Number(values.count);
    }
    if (values.snaplen !== undefined && !/^\d+$/.test(values.snaplen)) throw new KestrelError('KES_USAGE', `inspect: -s wants a number, got '${values.snaplen}'`);
    if (values['print-ascii'] && values['print-hex']) throw new KestrelError('KES_USAGE', 'inspect: -A and -X exclude each other');
    // The file's first chunks are read on the pool while the filter and format compile.
    if (values.read !== undefined) ScapReader.prefetch(values.read);
    const printing = !values.write && !values.quiet;
    const needState = printing || filterText !== '';
    // Compile the format and the filter before opening the file: bad input fails fast.
    // The container/k8s fields (and their module) are loaded only when the text uses them.
    let manager: ContainerManager | null = null;
    let containerInfoFromEvent: typeof import('../../../containers/index.js').containerInfoFromEvent | null = null;
    let registry: StateFieldRegistry | null = null;
    // The state, fields and formats are loaded only when used (`-q` and `-w` without a filter
    // need none of them): module loading is a visible part of a short command's run time.
    const stateMod = needState ? await import('../../../state/inspector.js') : null;
    const fmtMod = printing ? await import('../../../format/format.js') : null;
    const argsMod = printing ? await import('../../../format/args.js') : null;
    if (needState) {
      if (/\b(container|k8s)\./.test(`${values.print ?? ''} ${filterText}`)) {
        const cont = await import('../../../containers/index.js');
        const det = await import('../../../engine/detection.js');
        manager = new cont.ContainerManager({ docker: false, podman: false, containerd: false, cri: false });
        containerInfoFromEvent = cont.containerInfoFromEvent;
        registry = det.buildRegistry(manager);
      } else registry = new (await import('../../../state/fields.js')).StateFieldRegistry();
    }
    // Transformers (%tolower(proc.name)) need the filter compiler: loaded only when used.
    const fmtText = values.print ?? fmtMod?.DEFAULT_FORMAT ?? '';
    let valueCompiler: ValueCompiler | undefined;
    if (printing && /%[0-9]*[a-z_]+\(/.test(fmtText)) {
      const { compileValueExpr } = await import('../../../filter/compile.js');
      valueCompiler = (t) => compileValueExpr<EvalContext>(t, registry!);
    }
    const format = fmtMod !== null ? new fmtMod.CompiledFormat(fmtText, registry!, { valueCompiler }) : null;
    const filter: CompiledFilter<EvalContext> | null = filterText !== ''
      ? (await import('../../../filter/compile.js')).compileFilter<EvalContext>(filterText, registry!) : null;
    // Live capture (the probe, /proc snapshot) and the writer are loaded only when used: they
    // are most of this command's module graph and reading a file needs neither.
    const liveCli = live || values.write ? await import('../../../capture/live-cli.js') : null;
    const liveSrc = live ? liveCli!.liveSource({ snaplen: values.snaplen !== undefined ? Number(values.snaplen) : undefined }) : null;
    const src: EventSource = liveSrc ?? new FileSource(values.read!, { sysdigCompat: !values['all-events'] });
    phase('compiled');
    await src.open();
    phase('open');
    const unstop = liveSrc !== null ? liveCli!.stopOn(liveSrc, seconds) : () => {};
    let insp: Inspector | null = null;
    let typeMask: Uint8Array | null = null;
    if (filter !== null && filter.evtTypes !== null) {
      typeMask = new Uint8Array(EVENT_COUNT);
      for (const t of filter.evtTypes) if (t >= 0 && t < EVENT_COUNT) typeMask[t] = 1;
    }
    /** Runs the state on one event; true when it passes the filter. */
    const admit = (ev: EventView): boolean => {
      if (insp === null) {
        insp = new stateMod!.Inspector(ev);
        insp.seed(src.header);
        if (src.lookupThread !== undefined) insp.osLookup = (tid) => src.lookupThread!(tid);
        const m = manager;
        if (m !== null) {
          insp.containerId = (t) => {
            if (t.cgroups.length === 0) return t.containerId;
            const id = m.refFor(t.cgroups).id;
            return id === 'host' ? '' : id;
          };
        }
        const mode: BufferMode = values['print-hex'] ? 'hex' : values['print-ascii'] ? 'ascii' : values.verbose || values.json ? 'full' : 'normal';
        if (mode !== 'normal') insp.argsRenderer = (e, rc) => argsMod!.renderArgsMode(e, rc, mode);
      }
      if ((ev.type === 272 || ev.type === 324) && manager !== null && containerInfoFromEvent !== null) {
        const r = containerInfoFromEvent(ev);
        if (r !== null && r.ok) manager.preload(r.info);
      }
      const ctx = insp.process(ev);
      let ok = true;
      if (filter !== null) {
        // A filter that names event types skips the others without evaluating anything
        // (a byte per event type: cheaper than the Set lookup on every event).
        ok = (typeMask === null || (ev.type < EVENT_COUNT && typeMask[ev.type] === 1)) && filter.match(ctx);
      }
      insp.endEvent(ev);
      return ok;
    };
    const tapHold: { m: ContainerManager | null } = { m: null };
    const containerTap = async () => {
      const cont = await import('../../../containers/index.js');
      const { ContainerEventTap } = await import('../../../containers/capture-tap.js');
      tapHold.m = new cont.ContainerManager();
      return new ContainerEventTap(tapHold.m, 3000);
    };
    try {
      if (values.write) {
        const gzip = values.compress === true || values.write.endsWith('.gz');
        const { ScapWriter } = await import('../../../capture/scap-writer.js');
        const w = await ScapWriter.create(values.write, { gzip, keepNewEvents: values['keep-new-events'] === true });
        try {
          w.writeHeader(src.header);
          // Live: container events (as sinsp writes them) for the containers of the header's
          // threads, then for each new one as its runtime answers, so readers of the file
          // see container names and images. Runtimes get at most 3 s at start.
          const tap = live ? await containerTap() : null;
          if (tap !== null) {
            for (const p of src.header.procs) tap.noteCgroups(p.cgroups);
            await tap.settle();
            tap.flush(w, BigInt(Date.now()) * 1000000n);
          }
          // live events are exits only: write each with its synthesized enter (E/X pairs);
          // events read from a file are copied block by block (runs of them in one memcpy)
          const pairs = live ? new liveCli!.PairWriter((e) => w.writeEvent(e)) : null;
          let n = 0;
          while (n < limit) {
            const more = await src.nextBatch((ev) => {
              if (n >= limit) return;
              if (tap !== null) tap.noteEvent(ev);
              if (filter !== null && !admit(ev)) return;
              n++;
              if (pairs !== null) pairs.event(ev);
              else w.copyEvent(ev);
            });
            w.endBatch(); // before the reader reads again: copyEvent's run points into its buffer
            if (tap !== null) tap.flush(w, BigInt(Date.now()) * 1000000n);
            await w.drain();
            if (!more) break;
          }
        } finally {
          tapHold.m?.close();
          await w.close();
        }
        return 0;
      }
      if (values.quiet) {
        const tuple = new SockTuple();
        const addr = new SockAddr();
        let n = 0;
        let acc = 0;
        const each = (ev: EventView) => {
          if (n >= limit) return;
          n++;
          acc += decodeAll(ev, tuple, addr);
        };
        while (n < limit && await src.nextBatch(each)) { /* batches */ }
        if (Number.isNaN(acc)) process.stderr.write('\n'); // keeps acc observable
        return 0;
      }
      const out = new Out();
      let n = 0;
      const fmt = format!;
      const json = values.json === true;
      const each = (ev: EventView) => {
        if (n >= limit) return;
        // -n counts the events that pass the filter (all of them without one), like sysdig's.
        if (!admit(ev)) return;
        n++;
        if (insp!.hidden(ev)) return;
        const line = json ? fmt.json(insp!.ctx, JSON_OPTS) : fmt.format(insp!.ctx);
        if (line !== null) { out.push(line + '\n'); insp!.shown(ev); }
      };
      while (n < limit && !out.closed) {
        const more = await src.nextBatch(each);
        await out.flush();
        if (!more) break;
      }
      await out.flush(true);
      phase('events');
      return 0;
    } finally {
      unstop();
      await src.close();
    }
  },
};
