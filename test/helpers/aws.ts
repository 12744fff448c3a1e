import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import dynalite from 'dynalite';
import { STATE_TABLE_KEYS } from '../../lib/adapters/aws/table';

export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};
const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });

/** An in-process DynamoDB (dynalite) and a real client pointed at it. */
export async function startDynamo() {
  const server = dynalite({ createTableMs: 0 });
  const endpoint = await listen(server);
  const client = new DynamoDBClient({ endpoint, region: 'eu-west-2', credentials: TEST_CREDENTIALS });
  return {
    endpoint,
    client,
    async createTable(name: string) {
      await client.send(
        new CreateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST', ...STATE_TABLE_KEYS }),
      );
    },
    stop: () => close(server),
  };
}

/** One DynamoDB request as the proxy saw it: the operation (`PutItem`…) and its JSON body. */
export interface DynamoRequest {
  operation: string;
  body: Record<string, unknown>;
}

/**
 * A proxy in front of a local DynamoDB that answers the requests `throttle` picks as DynamoDB does when
 * it throttles (400, alternately `ThrottlingException` and `ProvisionedThroughputExceededException`),
 * and passes every other request on.
 */
export async function startThrottlingProxy(target: string) {
  const state = { throttle: (_request: DynamoRequest) => false, throttled: 0 };
  const names = ['ThrottlingException', 'ProvisionedThroughputExceededException'];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      if (state.throttle({ operation, body: JSON.parse(raw.toString('utf8') || '{}') })) {
        const name = names[state.throttled++ % names.length];
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        return response.end(
          JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${name}`, message: 'injected' }),
        );
      }
      const onward = httpRequest(
        `${target}${request.url}`,
        { method: request.method, headers: request.headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(response);
        },
      );
      onward.on('error', (error) => response.writeHead(502).end(error.message));
      onward.end(raw);
    });
  });
  const endpoint = await listen(server);
  return { endpoint, state, stop: () => close(server) };
}

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
