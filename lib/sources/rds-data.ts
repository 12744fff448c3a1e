import {
  ExecuteStatementCommand,
  type ExecuteStatementCommandOutput,
  type Field,
  RDSDataClient,
} from '@aws-sdk/client-rds-data';
import type { SourceConfig } from '../config/types';
import {
  MissingEnvironmentError,
  messageOf,
  QueryTimeoutError,
  SourceUnavailableError,
  StatementError,
} from '../errors';
import type { SourceConnector, SqlConnection } from './types';

/** Error names of the Data API, by what Stalewatch does about them. */
const RETRYABLE = new Set([
  'DatabaseResumingException', // an auto-paused Aurora Serverless v2 waking up: tens of seconds
  'ThrottlingException',
  'TooManyRequestsException',
  'ServiceUnavailableError',
  'InternalServerErrorException',
  'DatabaseUnavailableException',
]);
const STATEMENT_FAULTS = new Set(['BadRequestException', 'DatabaseErrorException']);
const TIMEOUTS = new Set(['StatementTimeoutException']);

/** How long to keep retrying, and how to wait: passed in so that `lib/` reads no clock of its own. */
export interface RetryPolicy {
  /** Retrying stops once this much time has gone by since the first attempt (default 90 s). */
  budgetMs: number;
  /** The first wait; each next one doubles, up to `maxDelayMs` (defaults 500 ms and 8 s). */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Milliseconds since some fixed point (`performance.now`, `Date.now`). */
  clock: () => number;
  /** Waits, and stops waiting (rejecting) when `signal` is aborted. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** A wait that an aborted run cuts short. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const DEFAULT_RETRY: Omit<RetryPolicy, 'clock'> = {
  budgetMs: 90_000,
  firstDelayMs: 500,
  maxDelayMs: 8_000,
  sleep: abortableSleep,
};

/** The value of one Data API field: `isNull`, `stringValue`, `longValue`, `doubleValue`, `booleanValue`. */
function fieldValue(field: Field): unknown {
  if (field.isNull) return null;
  if (field.stringValue !== undefined) return field.stringValue;
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.booleanValue !== undefined) return field.booleanValue;
  return null;
}

/**
 * The single row of an answer, by column name, from either shape the Data API gives: `formattedRecords`
 * (a JSON string, with `formatRecordsAs: JSON`) or `records` of typed fields, named by `columnMetadata`
 * when it is there and by position (`c0`, `c1`, …, as our SELECT names them) when not.
 */
export function rowOf(
  output: Pick<ExecuteStatementCommandOutput, 'formattedRecords' | 'records' | 'columnMetadata'>,
) {
  if (output.formattedRecords !== undefined) {
    const rows = JSON.parse(output.formattedRecords) as Array<Record<string, unknown>>;
    return rows[0] ?? {};
  }
  const [first] = output.records ?? [];
  if (!first) return {};
  return Object.fromEntries(
    first.map((field, i) => [
      output.columnMetadata?.[i]?.label ?? output.columnMetadata?.[i]?.name ?? `c${i}`,
      fieldValue(field),
    ]),
  );
}

const nameOf = (error: unknown): string => (error as { name?: string })?.name ?? '';

/** The `ExecuteStatement` of one SELECT on a source, answered as JSON with column names. */
export function statementCommand(
  source: Pick<SourceConfig, 'resourceArn' | 'secretArn' | 'database'>,
  sql: string,
) {
  return new ExecuteStatementCommand({
    resourceArn: source.resourceArn,
    secretArn: source.secretArn,
    database: source.database,
    sql,
    formatRecordsAs: 'JSON',
    includeResultMetadata: true,
  });
}

/**
 * A source reached through the RDS Data API: one `ExecuteStatement` per statement, nothing to open or
 * close. `client` is shared by every source of the process.
 */
export function rdsDataConnector(
  source: SourceConfig,
  client: RDSDataClient,
  retry: RetryPolicy,
): SourceConnector {
  const execute = async (sql: string, signal?: AbortSignal): Promise<Record<string, unknown>> => {
    const command = statementCommand(source, sql);
    const started = retry.clock();
    for (let attempt = 0; ; attempt++) {
      try {
        return rowOf(await client.send(command, { abortSignal: signal }));
      } catch (error) {
        const name = nameOf(error);
        if (signal?.aborted)
          throw new SourceUnavailableError(source.name, 'the run ran out of time', { cause: error });
        if (STATEMENT_FAULTS.has(name)) throw new StatementError(messageOf(error), sql, { cause: error });
        if (TIMEOUTS.has(name)) throw new QueryTimeoutError(source.name, { cause: error });
        const delay = Math.min(retry.firstDelayMs * 2 ** attempt, retry.maxDelayMs);
        const spent = retry.clock() - started;
        if (!RETRYABLE.has(name) || spent + delay > retry.budgetMs) {
          const waited = RETRYABLE.has(name)
            ? ` (still failing after ${Math.round(spent / 1000)} s of retries)`
            : '';
          throw new SourceUnavailableError(source.name, `${name || 'error'}: ${messageOf(error)}${waited}`, {
            cause: error,
          });
        }
        await retry.sleep(delay, signal).catch(() => undefined);
      }
    }
  };

  return {
    dialect: source.engine,
    description: `rds-data:${source.database}`,
    async connect(): Promise<SqlConnection> {
      const [variable] = source.unsetVariables;
      if (variable) {
        throw new SourceUnavailableError(
          source.name,
          new MissingEnvironmentError(variable, `Its cluster or secret ARN`).message,
        );
      }
      return { dialect: source.engine, queryRow: execute, close: async () => undefined };
    },
  };
}

/** The region of an ARN (`arn:aws:rds:eu-west-2:…` → `eu-west-2`), or undefined. */
export function regionOf(arn: string): string | undefined {
  return arn.split(':')[3] || undefined;
}

/**
 * The process's Data API clients, one per region, made once. Endpoints come from the SDK's own settings
 * (`AWS_ENDPOINT_URL_RDS_DATA`, `AWS_ENDPOINT_URL`); the SDK's own retries are off, since
 * `rdsDataConnector` retries within the run's deadline.
 */
export function rdsDataClients(extra: ConstructorParameters<typeof RDSDataClient>[0] = {}) {
  const clients = new Map<string, RDSDataClient>();
  return (arn: string): RDSDataClient => {
    const region = regionOf(arn) ?? '';
    let client = clients.get(region);
    if (!client) {
      client = new RDSDataClient({ ...(region ? { region } : {}), maxAttempts: 1, ...extra });
      clients.set(region, client);
    }
    return client;
  };
}
