import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

const ROOT = join(__dirname, '..', '..');

/** What one call gave: its value, an Error's message, or what it threw. */
export type Outcome = { value: unknown } | { error: string } | { thrown: string };

const SCRIPT = `
const { workerData, parentPort } = require('node:worker_threads');
require('tsx/cjs');
const fn = require(workerData.module)[workerData.name];
const outcomes = workerData.inputs.map((input) => {
  try {
    const value = fn(...workerData.before, input, ...workerData.after);
    return value instanceof Error ? { error: value.message } : { value };
  } catch (error) {
    return { thrown: error && error.message ? error.message : String(error) };
  }
});
parentPort.postMessage(outcomes);
`;

const running = new Set<Worker>();

/**
 * Calls the export `name` of `module` (a path from the project's root) on each input, in a worker
 * thread, so that a call that runs for long blocks neither jest nor its timeout: a test that awaits
 * this fails on jest's own timeout when the calls are slow, with no timing assertion of its own.
 */
export function callInWorker(
  module: string,
  name: string,
  inputs: readonly string[],
  { before = [], after = [] }: { before?: unknown[]; after?: unknown[] } = {},
): Promise<Outcome[]> {
  const worker = new Worker(SCRIPT, {
    eval: true,
    workerData: { module: join(ROOT, module), name, inputs, before, after },
  });
  running.add(worker);
  return new Promise<Outcome[]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  }).finally(() => {
    running.delete(worker);
    void worker.terminate();
  });
}

/** Stops the workers still running (after a test that timed out). */
export async function stopWorkers(): Promise<void> {
  await Promise.all([...running].map((w) => w.terminate()));
  running.clear();
}
