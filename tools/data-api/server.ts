import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Backend, BackendError, type BackendTransaction } from './backends';

/**
 * A local stand-in for the RDS Data API's `ExecuteStatement` (`POST /Execute`) and its transactions
 * (`BeginTransaction`, `CommitTransaction`, `RollbackTransaction`), over a real database,
 * for tests and for engineers (`npm run data-api`). It answers with the real API's request and response
 * shapes and error types, so the real SDK client can be pointed at it with `AWS_ENDPOINT_URL_RDS_DATA`,
 * and it can inject the faults that Aurora has: a paused cluster resuming, latency, statement timeouts,
 * failing statements.
 */

/** Faults to inject; all off by default. */
export interface Faults {
  /** The first N calls answer `DatabaseResumingException`, as an auto-paused Aurora waking up does. */
  resumingCalls?: number;
  /** Every call waits this long before answering (the real API's round trip is about 30 ms). */
  latencyMs?: number;
  /** Statements matching this answer `StatementTimeoutException` (the 45 s cap, at once). */
  timeoutWhen?: RegExp;
  /** Statements matching this answer `BadRequestException`, as a database error would. */
  failWhen?: RegExp;
  /** Answer with `records` and no `formattedRecords`, even when JSON was asked for. */
  recordsOnly?: boolean;
}

export interface DataApiServer {
  /** `http://127.0.0.1:<port>`: the value for `AWS_ENDPOINT_URL_RDS_DATA`. */
  url: string;
  /** `ExecuteStatement` calls received, including refused ones. */
  readonly calls: number;
  /** The SQL of every call, in order. */
  readonly statements: readonly string[];
  /** Every call, by operation name (`ExecuteStatement`, `BeginTransaction`, …), in order. */
  readonly operations: readonly string[];
  faults: Faults;
  resetCounts(): void;
  stop(): Promise<void>;
}

/** The real API's answer size cap. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

class ApiError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A Data API `Field` for one value. */
function field(value: unknown): Record<string, unknown> {
  if (value === null || value === undefined) return { isNull: true };
  if (typeof value === 'boolean') return { booleanValue: value };
  if (typeof value === 'bigint') return { longValue: Number(value) };
  if (typeof value === 'number')
    return Number.isInteger(value) ? { longValue: value } : { doubleValue: value };
  if (value instanceof Date) return { stringValue: value.toISOString().replace('T', ' ').replace('Z', '') };
  return { stringValue: String(value) };
}

const jsonValue = (value: unknown) => {
  const f = field(value);
  return 'isNull' in f ? null : Object.values(f)[0];
};

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new ApiError('BadRequestException', 400, 'The request body is not valid JSON');
  }
}

function send(response: ServerResponse, status: number, body: unknown, errorType?: string) {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-requestid': crypto.randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(text);
}

/** Starts the stand-in on `port` (0: any free port) over `backend`. */
export async function startDataApi(
  backend: Backend,
  options: { port?: number; faults?: Faults } = {},
): Promise<DataApiServer> {
  const state = {
    calls: 0,
    statements: [] as string[],
    operations: [] as string[],
    faults: options.faults ?? {},
  };
  const transactions = new Map<string, BackendTransaction>();
  const transactionOf = (body: Record<string, unknown>) => {
    const id = String(body.transactionId ?? '');
    const tx = transactions.get(id);
    if (!tx) throw new ApiError('BadRequestException', 400, `Transaction ${id} is not found`);
    return { id, tx };
  };

  /** The database's error in the words the Data API uses for the engine. */
  const databaseError = (error: unknown) => {
    const e = error as BackendError;
    if (backend.engine === 'mysql' && e instanceof BackendError && e.errno !== null) {
      return new ApiError(
        'BadRequestException',
        400,
        `Database error code: ${e.errno}. Message: ${e.message}`,
      );
    }
    const sqlState = e instanceof BackendError && e.sqlState ? `; SQLState: ${e.sqlState}` : '';
    return new ApiError('BadRequestException', 400, `ERROR: ${e.message}${sqlState}`);
  };

  const execute = async (body: Record<string, unknown>) => {
    for (const required of ['resourceArn', 'secretArn', 'sql']) {
      if (typeof body[required] !== 'string' || !body[required]) {
        throw new ApiError('BadRequestException', 400, `${required} is required`);
      }
    }
    const sql = String(body.sql);
    state.statements.push(sql);
    const { faults } = state;
    if (faults.latencyMs) await new Promise((r) => setTimeout(r, faults.latencyMs));
    if (faults.resumingCalls && faults.resumingCalls > 0) {
      faults.resumingCalls--;
      throw new ApiError(
        'DatabaseResumingException',
        400,
        'The Aurora DB instance db-STALEWATCH-LOCAL is resuming after being auto-paused. Please wait a few seconds and try again.',
      );
    }
    if (faults.timeoutWhen?.test(sql))
      throw new ApiError('StatementTimeoutException', 400, 'Request timed out');
    if (faults.failWhen?.test(sql)) throw new ApiError('BadRequestException', 400, 'ERROR: injected failure');
    if (/;\s*\S/.test(sql))
      throw new ApiError('BadRequestException', 400, "Multistatements aren't supported.");
    let result: { columns: string[]; rows: unknown[][] };
    const on = body.transactionId ? transactionOf(body).tx : backend;
    try {
      result = await on.query(sql);
    } catch (error) {
      throw databaseError(error);
    }
    const answer: Record<string, unknown> = { numberOfRecordsUpdated: 0 };
    if (body.formatRecordsAs === 'JSON' && !faults.recordsOnly) {
      answer.formattedRecords = JSON.stringify(
        result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c, jsonValue(row[i])]))),
      );
    } else {
      answer.records = result.rows.map((row) => row.map(field));
    }
    if (body.includeResultMetadata) {
      answer.columnMetadata = result.columns.map((name) => ({ name, label: name, typeName: 'text' }));
    }
    if (JSON.stringify(answer).length > MAX_RESPONSE_BYTES) {
      throw new ApiError(
        'BadRequestException',
        400,
        'Database returned more than the allowed response size limit',
      );
    }
    return answer;
  };

  const operations: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    '/Execute': (body) => {
      state.calls++;
      return execute(body);
    },
    '/BeginTransaction': async () => {
      const transactionId = crypto.randomUUID();
      transactions.set(transactionId, await backend.begin());
      return { transactionId };
    },
    '/CommitTransaction': async (body) => {
      const { id, tx } = transactionOf(body);
      transactions.delete(id);
      await tx.commit().catch((error) => Promise.reject(databaseError(error)));
      return { transactionStatus: 'Transaction Committed' };
    },
    '/RollbackTransaction': async (body) => {
      const { id, tx } = transactionOf(body);
      transactions.delete(id);
      await tx.rollback().catch((error) => Promise.reject(databaseError(error)));
      return { transactionStatus: 'Rollback Complete' };
    },
  };
  const OPERATION_NAMES: Record<string, string> = {
    '/Execute': 'ExecuteStatement',
    '/BeginTransaction': 'BeginTransaction',
    '/CommitTransaction': 'CommitTransaction',
    '/RollbackTransaction': 'RollbackTransaction',
  };

  const server = createServer((request, response) => {
    const handle = async () => {
      const path = request.url?.split('?')[0] ?? '';
      const operation = operations[path];
      if (request.method !== 'POST' || !operation) {
        throw new ApiError(
          'NotFoundException',
          404,
          `${request.method} ${request.url} is not served here; only POST ${Object.keys(operations).join(', ')}`,
        );
      }
      state.operations.push(OPERATION_NAMES[path] ?? path);
      send(response, 200, await operation(await readJson(request)));
    };
    handle().catch((error) => {
      const e =
        error instanceof ApiError ? error : new ApiError('InternalServerErrorException', 500, String(error));
      send(response, e.status, { message: e.message }, e.type);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get calls() {
      return state.calls;
    },
    get statements() {
      return state.statements;
    },
    get operations() {
      return state.operations;
    },
    get faults() {
      return state.faults;
    },
    set faults(faults: Faults) {
      state.faults = faults;
    },
    resetCounts() {
      state.calls = 0;
      state.statements = [];
      state.operations = [];
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        for (const tx of transactions.values()) tx.rollback().catch(() => undefined);
        transactions.clear();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
