// file_output: append-only. SIGUSR1 (reopen()) closes the file so the next batch opens the
// path again — what log rotation needs. keep_alive: false closes after every batch (Falco
// opens and closes per alert; per batch gives the same file contents).
import { open, type FileHandle } from 'node:fs/promises';
import { Sink } from '../sink.js';

export class FileSink extends Sink {
  private fh: FileHandle | null = null;
  private reopenRequested = false;

  constructor(name: string, capacity: number, readonly filename: string, private readonly keepAlive: boolean) {
    super(name, capacity);
  }

  override reopen(): void { this.reopenRequested = true; if (!this.busy) void this.closeFile(); }

  private busy = false;

  protected async write(batch: string[]): Promise<void> {
    this.busy = true;
    try {
      if (this.reopenRequested) { this.reopenRequested = false; await this.closeFile(); }
      if (!this.fh) this.fh = await open(this.filename, 'a', 0o640);
      await this.fh.write(batch.join('\n') + '\n');
      this.ok(batch.length);
      if (!this.keepAlive) await this.closeFile();
    } catch (err) {
      await this.closeFile();
      this.drop('write_failed', batch.length, `${this.filename}: ${(err as Error).message}`);
    } finally {
      this.busy = false;
    }
  }

  private async closeFile(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    if (fh) await fh.close().catch(() => undefined);
  }

  protected override async shutdown(): Promise<void> { await this.closeFile(); }
}
