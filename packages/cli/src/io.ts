/**
 * What a command may touch of the outside world, passed in (no globals): output streams and whether
 * they are terminals, the environment and the clock. Tests pass fakes; `processIo()` the real ones.
 */

/**
 * A stream a command writes text to: `process.stdout`/`stderr`, or any Writable in tests. `isTTY` says
 * whether it is a terminal (progress bars only go to terminals).
 */
export type OutputStream = NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number };

/** The program-wide choices a command reads: the member `--as` selects (set before the command runs). */
export interface CliSelection {
  member: string | undefined;
}

export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Milliseconds, monotonic enough for rates and durations. */
  now(): number;
  /** Set by the program from its global options; absent in a command tested alone. */
  readonly selection?: CliSelection;
}
