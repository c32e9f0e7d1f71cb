export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Runs the command with its own arguments; resolves to the exit code. Throws KestrelError. */
  run(args: string[]): Promise<number>;
}
