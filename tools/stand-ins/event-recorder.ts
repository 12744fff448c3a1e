import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

/**
 * A local EventBridge for tests and the runSource bench (tools/bench/run-source.ts): what both need, so
 * that tools/ never imports test/.
 */

/** Credentials the local stand-ins accept (they check none). */
export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Listens on a free port of 127.0.0.1; answers the server's base URL. */
export const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

/** Closes the server and every connection still open to it. */
export const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });

/** A recorded PutEvents entry, as EventBridge received it. */
export interface RecordedEvent {
  Source: string;
  DetailType: string;
  Detail: string;
  EventBusName: string;
}

/** A small seeded random number generator (mulberry32): the same faults on every run of a test. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A local EventBridge that records `PutEvents` (awsJson1.1, `X-Amz-Target: AWSEvents.PutEvents`). Faults
 * to inject: `failNext` refuses the next N entries with `InternalFailure`; `refuse` refuses each entry
 * with that probability (seeded by `seed`, so a test sees the same faults every time); `down` answers
 * every call with HTTP 500 `InternalException`, as an outage does. Refused entries are not recorded.
 */
export async function startEventRecorder() {
  const state = {
    events: [] as RecordedEvent[],
    calls: 0,
    failNext: 0,
    refuse: 0,
    down: false,
    random: seededRandom(1),
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', () => {
      state.calls++;
      if (state.down) {
        response.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify({ __type: 'InternalException', message: 'injected outage' }));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { Entries: RecordedEvent[] };
      let failed = 0;
      const entries = body.Entries.map((entry) => {
        const refused = state.failNext > 0 || (state.refuse > 0 && state.random() < state.refuse);
        if (refused) {
          if (state.failNext > 0) state.failNext--;
          failed++;
          return { ErrorCode: 'InternalFailure', ErrorMessage: 'injected' };
        }
        state.events.push(entry);
        return { EventId: crypto.randomUUID() };
      });
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ FailedEntryCount: failed, Entries: entries }));
    });
  });
  const endpoint = await listen(server);
  return {
    endpoint,
    client: new EventBridgeClient({ endpoint, region: 'eu-west-2', credentials: TEST_CREDENTIALS }),
    state,
    /** The recorded events of the given detail-types (all but run summaries by default), details parsed. */
    transitions: () =>
      state.events
        .filter((e) => e.DetailType !== 'Check Run Completed')
        .map((e) => ({ type: e.DetailType, ...JSON.parse(e.Detail) })),
    reset(seed = 1) {
      state.events = [];
      state.calls = 0;
      state.failNext = 0;
      state.refuse = 0;
      state.down = false;
      state.random = seededRandom(seed);
    },
    stop: () => close(server),
  };
}
