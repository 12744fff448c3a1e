// Shared by the bench scripts: figures over several runs, and Markdown tables.
import { cpus, totalmem } from 'node:os';

/** min and median of several runs of one figure: the minimum is the least noisy, the median typical. */
export function spread(values: readonly number[]): { min: number; median: number; runs: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    min: sorted[0] ?? Number.NaN,
    median: sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN,
    runs: sorted.length,
  };
}

/** `0.31 s / 0.35 s`: min / median of milliseconds, in seconds. */
export const seconds = (values: readonly number[]) => {
  const { min, median } = spread(values);
  const s = (ms: number) => (ms >= 10_000 ? (ms / 1000).toFixed(1) : (ms / 1000).toFixed(2));
  return `${s(min)} / ${s(median)} s`;
};

/** `12.3 / 15.1 ms`: min / median of milliseconds. */
export const millis = (values: readonly number[]) => {
  const { min, median } = spread(values);
  const m = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
  return `${m(min)} / ${m(median)} ms`;
};

/** `98 / 101 MB`: min / median of MB. */
export const megabytes = (values: readonly number[]) => {
  const { min, median } = spread(values);
  return `${Math.round(min)} / ${Math.round(median)} MB`;
};

/** A Markdown table. */
export function table(head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const line = (cells: ReadonlyArray<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The machine the figures were measured on. */
export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** Progress on stderr, so that stdout stays the figures. */
export const progress = (text: string) => process.stderr.write(`${text}\n`);
