import {
  BeginTransactionCommand,
  ExecuteStatementCommand,
  type ExecuteStatementCommandOutput,
  type Field,
  RDSDataClient,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import type { SourceConnector, SqlConnection } from '../../app/ports';
import {
  MissingEnvironmentError,
  messageOf,
  QueryTimeoutError,
  SourceUnavailableError,
  secondsText,
} from '../../core/errors';
import type { SourceConfig } from '../../core/model/config';
import { again, type RetryPolicy as CoreRetryPolicy, done, retry as retryLoop } from '../../core/retry';
import { abortableSleep } from '../sleep';
import { statementTimeoutMsOf } from '../sql/connect';
import { statementErrorOf } from '../sql/scrub';

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

/**
 * How long to keep retrying, and how to wait: passed in so that `lib/` reads no clock of its own. The
 * budget is required here (default 90 s), and the waits are 500 ms doubling up to 8 s.
 */
export type RetryPolicy = CoreRetryPolicy & Required<Pick<CoreRetryPolicy, 'budgetMs' | 'clock'>>;

/** The Data API's retry policy in production, but for the clock (`performance.now` there). */
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
 * The first row of an answer (null when there is none), by column name, from either shape the Data API gives: `formattedRecords`
 * (a JSON string, with `formatRecordsAs: JSON`) or `records` of typed fields, named by `columnMetadata`
 * when it is there and by position (`c0`, `c1`, …, as our SELECT names them) when not.
 */
export function rowOf(
  output: Pick<ExecuteStatementCommandOutput, 'formattedRecords' | 'records' | 'columnMetadata'>,
): Record<string, unknown> | null {
  if (output.formattedRecords !== undefined) {
    const rows = JSON.parse(output.formattedRecords) as Array<Record<string, unknown>>;
    return rows[0] ?? null;
  }
  const [first] = output.records ?? [];
  if (!first) return null;
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
  transactionId?: string,
) {
  return new ExecuteStatementCommand({
    resourceArn: source.resourceArn ?? undefined,
    secretArn: source.secretArn,
    database: source.database ?? undefined,
    sql,
    formatRecordsAs: 'JSON',
    includeResultMetadata: true,
    ...(transactionId ? { transactionId } : {}),
  });
}

/** `Database error code: 1146. Message: …` (MySQL) or `ERROR: …; SQLState: 42P01` (PostgreSQL). */
function databaseErrorOf(message: string): { code: string | null; text: string } {
  const mysql = /^Database error code: (\d+)\. Message: ([\s\S]*)$/.exec(message);
  if (mysql) return { code: mysql[1] as string, text: mysql[2] as string };
  const state = /;?\s*SQLState: ([0-9A-Z]{5})\s*$/.exec(message);
  return { code: state?.[1] ?? null, text: state ? message.slice(0, state.index) : message };
}

/** The database stopped the statement for its time: PostgreSQL's statement_timeout, MySQL's limits. */
const isDatabaseTimeout = ({ code, text }: { code: string | null; text: string }) =>
  (code === '57014' && /statement timeout/.test(text)) || code === '1969' || code === '3024';

/**
 * A source reached through the RDS Data API: nothing to open or close, and `client` is shared by every
 * source of the process. The Data API runs one statement per call and resets the session between calls
 * (`DISCARD ALL` on PostgreSQL, a connection reset on MySQL), so each statement carries its own guards
 * (`guardedStatement`), and:
 *
 * - MySQL: one `ExecuteStatement` per statement: its time limit is in the statement; read-only rests on
 *   the monitor's grants (docs/sources.md).
 * - PostgreSQL: one `ExecuteStatement` when the monitor's role has a `statement_timeout` of at most the
 *   source's `statementTimeout` (the statement makes itself read-only). Without one, no row comes back,
 *   and this source's statements go, for the rest of the run, in a transaction that sets the timeout
 *   first: `BeginTransaction`, `ExecuteStatement` (set_config), `ExecuteStatement`, `RollbackTransaction`.
 */
export function rdsDataConnector(
  source: SourceConfig,
  client: RDSDataClient,
  retry: RetryPolicy,
): SourceConnector {
  const statementTimeoutMs = statementTimeoutMsOf(source);

  /** The source could not be reached: the Data API's error, named, with how long it was retried. */
  const unavailable = (error: unknown, waited: string) =>
    new SourceUnavailableError(source.name, `${nameOf(error) || 'error'}: ${messageOf(error)}${waited}`, {
      cause: error,
    });

  /** One call, retried while the database resumes or the API throttles, within the retry budget. */
  const call = async <T>(send: () => Promise<T>, sql: string, signal?: AbortSignal): Promise<T> => {
    const retried = await retryLoop(
      async () => {
        try {
          return done(await send());
        } catch (error) {
          const name = nameOf(error);
          if (signal?.aborted)
            throw new SourceUnavailableError(source.name, 'the run ran out of time', { cause: error });
          if (STATEMENT_FAULTS.has(name)) {
            // The database's error is not attached: its text can quote row data.
            const fault = databaseErrorOf(messageOf(error));
            if (isDatabaseTimeout(fault)) {
              throw new QueryTimeoutError(
                source.name,
                `its statementTimeout of ${secondsText(statementTimeoutMs)}`,
              );
            }
            throw statementErrorOf(fault.code, fault.text, sql);
          }
          if (TIMEOUTS.has(name)) throw new QueryTimeoutError(source.name, "the Data API's limit of 45 s");
          if (!RETRYABLE.has(name)) throw unavailable(error, '');
          return again(error);
        }
      },
      retry,
      signal,
    );
    if (retried.done) return retried.value;
    throw unavailable(
      retried.failure,
      ` (still failing after ${Math.round(retried.spentMs / 1000)} s of retries)`,
    );
  };

  const execute = async (sql: string, signal?: AbortSignal, transactionId?: string) =>
    rowOf(
      await call(
        () => client.send(statementCommand(source, sql, transactionId), { abortSignal: signal }),
        sql,
        signal,
      ),
    );

  const arns = { resourceArn: source.resourceArn ?? undefined, secretArn: source.secretArn };
  /** The statement in a transaction that sets the statement timeout first; always rolled back. */
  const inTransaction = async (sql: string, signal?: AbortSignal) => {
    const begin = new BeginTransactionCommand({ ...arns, database: source.database ?? undefined });
    const { transactionId } = await call(() => client.send(begin, { abortSignal: signal }), sql, signal);
    try {
      const timeout = `SELECT pg_catalog.set_config('statement_timeout', '${Math.round(statementTimeoutMs)}', true)`;
      await execute(timeout, signal, transactionId);
      return await execute(sql, signal, transactionId);
    } finally {
      // Not cut short by the run's end: a transaction left open would hold the statement's snapshot.
      // One try, no retries: the Data API ends a transaction left idle by itself.
      await client.send(new RollbackTransactionCommand({ ...arns, transactionId })).catch(() => undefined);
    }
  };

  /** Whether the role's own statement timeout does (true), does not (false), or is not known yet. */
  let roleTimesOut: boolean | null = null;
  const queryRow = async (sql: string, signal?: AbortSignal) => {
    if (source.engine === 'mysql' || roleTimesOut !== false) {
      const row = await execute(sql, signal);
      if (row !== null || source.engine === 'mysql') {
        roleTimesOut = true;
        return row;
      }
      roleTimesOut = false;
    }
    return inTransaction(sql, signal);
  };

  return {
    source: source.name,
    dialect: source.engine,
    description: `rds-data:${source.database}`,
    statementTimeoutMs,
    async connect(): Promise<SqlConnection> {
      const [variable] = source.unsetVariables;
      if (variable) {
        throw new SourceUnavailableError(
          source.name,
          new MissingEnvironmentError(variable, `Its cluster or secret ARN`).message,
        );
      }
      return { dialect: source.engine, queryRow, close: async () => undefined };
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
