/** A stream the CLI writes to. */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Everything the CLI takes from the outside world, passed in by `bin/stalewatch.js` (or a test). */
export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  stdout: Output;
  stderr: Output;
  /** The run's time when `--now` is not given. */
  clock: () => Date;
  /** Milliseconds for measuring waits (retry budgets), unaffected by clock changes. */
  monotonic: () => number;
  newRunId: () => string;
}

/** Exit codes: README.md "The command line". */
export const EXIT = { ok: 0, failing: 1, invalid: 2 } as const;
