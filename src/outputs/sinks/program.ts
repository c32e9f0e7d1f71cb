// program_output: alerts piped to a shell command's stdin.
//   keep_alive: true  — one long-lived `sh -c <program>`; batches are written to its stdin. If it
//                       exits it is spawned again for the next batch (with a short back-off when
//                       it keeps dying). SIGUSR1 (reopen) closes its stdin and respawns it.
//   keep_alive: false — like Falco, one process per alert: spawn, write the line, close stdin,
//                       wait for it to exit.
// Lines written to a process that dies before reading them cannot be confirmed; a write that
// fails (EPIPE) is counted as dropped ('program_exited').
import { spawn, type ChildProcess } from 'node:child_process';
import { Sink, sleep } from '../sink.js';

export class ProgramSink extends Sink {
  private child: ChildProcess | null = null;
  private lastSpawn = 0;
  private readonly abort = new AbortController();
  /** Spawns so far (visible for tests and stats). */
  spawns = 0;

  constructor(name: string, capacity: number, readonly program: string, private readonly keepAlive: boolean) {
    super(name, capacity);
    if (!keepAlive) this.maxBatch = 1;
  }

  private spawnChild(): ChildProcess {
    this.spawns++;
    this.lastSpawn = Date.now();
    // Like Falco's popen(): the program's own output goes to kestrel's stdout/stderr.
    const child = spawn('/bin/sh', ['-c', this.program], { stdio: ['pipe', 'inherit', 'inherit'] });
    // Errors surface through the write callbacks; keep them from becoming uncaught.
    child.on('error', () => undefined);
    child.stdin!.on('error', () => undefined);
    child.on('exit', () => { if (this.child === child) this.child = null; });
    return child;
  }

  override reopen(): void {
    const c = this.child;
    this.child = null;
    if (c) c.stdin?.end();
  }

  protected async write(batch: string[]): Promise<void> {
    if (!this.keepAlive) {
      const child = this.spawnChild();
      const okWrite = await writeAll(child, batch.join('\n') + '\n');
      child.stdin!.end();
      await new Promise<void>((res) => { if (child.exitCode !== null || child.signalCode !== null) res(); else child.once('close', () => res()); });
      if (okWrite) this.ok(batch.length);
      else this.drop('program_exited', batch.length, `program exited before reading the alert`);
      return;
    }
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null || this.child.stdin!.destroyed) {
      // Don't spin when the program dies at once (e.g. a typo): at most one spawn per second.
      const wait = 1000 - (Date.now() - this.lastSpawn);
      if (this.spawns > 0 && wait > 0) await sleep(wait, this.abort.signal);
      this.child = this.spawnChild();
    }
    const okWrite = await writeAll(this.child, batch.join('\n') + '\n');
    if (okWrite) this.ok(batch.length);
    else { this.child = null; this.drop('program_exited', batch.length, `program '${this.program}' is not reading its input`); }
  }

  protected override async shutdown(): Promise<void> {
    this.abort.abort();
    const c = this.child;
    this.child = null;
    if (c && c.exitCode === null && c.signalCode === null) {
      c.stdin!.end();
      // Give the program a moment to finish its input (e.g. `cat >> file`), then make sure it goes.
      await Promise.race([new Promise((res) => c.once('close', res)), sleep(1000)]);
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    }
  }
}

function writeAll(child: ChildProcess, data: string): Promise<boolean> {
  return new Promise((res) => {
    const stdin = child.stdin;
    if (!stdin || stdin.destroyed) { res(false); return; }
    stdin.write(data, (err) => res(!err));
  });
}
