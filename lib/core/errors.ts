import { escapeControlCharacters } from './util/quote';

/**
 * Typed errors. Each message is written for the person who will read it (an engineer at a terminal,
 * or the platform team reading an alert) and the underlying error is attached as `cause`.
 */

/** One problem in one config file, located so an editor can jump to it. */
export interface ConfigIssue {
  /** Path of the file, as the user gave it (relative to the working directory). */
  file: string;
  line: number;
  column: number;
  /** The field, as a path: `checks[0].freshness.warnAfter`; empty for the whole file. */
  field: string;
  /** What is wrong and how to write it instead. */
  message: string;
}

/**
 * Formats an issue as `checks/placements.yml:12:7 checks[0].freshness.warnAfter: message`. Control
 * characters (from a file name, a key or a value) are written as escapes: they never reach a terminal.
 */
export function formatConfigIssue(issue: ConfigIssue): string {
  const where = `${escapeControlCharacters(issue.file, true)}:${issue.line}:${issue.column}`;
  const message = escapeControlCharacters(issue.message);
  return issue.field
    ? `${where} ${escapeControlCharacters(issue.field, true)}: ${message}`
    : `${where} ${message}`;
}

/** The config tree is invalid. Carries every issue found in one pass, not the first alone. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: ConfigIssue[]) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(`The checks config has ${count}:\n${issues.map(formatConfigIssue).join('\n')}`);
  }
}

/** The command line asks for something that cannot be done (unknown check id, bad flag value). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A source could not be reached at all: every check on it gets `status: error`. */
export class SourceUnavailableError extends Error {
  override readonly name = 'SourceUnavailableError';
  constructor(
    readonly source: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`Source "${source}" could not be reached: ${message}`, options);
  }
}

/** The database refused or failed one statement (missing table or column, bad `where`, timeout). */
export class StatementError extends Error {
  override readonly name: string = 'StatementError';
  constructor(
    message: string,
    readonly sql: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Milliseconds as people read a limit: `1 s`, `0.5 s`, `30 s`. */
export function secondsText(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/**
 * A statement ran out of time (the source's `statementTimeout`, or the Data API's 45 s cap) and the
 * database stopped it. The batch it was in is split, so that only the slow checks get this error.
 */
export class QueryTimeoutError extends Error {
  override readonly name = 'QueryTimeoutError';
  constructor(
    readonly source: string,
    /** Which limit: `its statementTimeout of 30 s`, `the Data API's limit of 45 s`. */
    limit: string,
    options?: { cause?: unknown },
  ) {
    super(
      `the query on source "${source}" ran longer than ${limit} and was stopped; ` +
        'the table may need an index on the checked column, or the database may be overloaded',
      options,
    );
  }
}

/**
 * A check wrote to the database or changed a setting of its session (a large object, `set_config`),
 * which the statement's guard caught after the fact: the statement failed, so nothing it did was kept.
 */
export class SideEffectError extends StatementError {
  override readonly name = 'SideEffectError';
  constructor(sql: string) {
    super(
      'the check wrote to the database or changed a database setting (as lo_from_bytea or set_config do), ' +
        'which a check may not do; nothing it did was kept — write a plain filter on the table’s own columns',
      sql,
    );
  }
}

/**
 * The statement would not have run read-only with a statement timeout, so nothing was run: every check
 * of the source gets this error (docs/sources.md "Nothing written, nothing waited on for ever, nothing leaked").
 */
export class UnguardedStatementError extends Error {
  override readonly name = 'UnguardedStatementError';
  constructor(
    readonly source: string,
    statementTimeoutMs: number,
  ) {
    super(
      `Source "${source}" did not run the statement read-only with a statement timeout of at most ` +
        `${secondsText(statementTimeoutMs)}, so no check was run; see docs/sources.md "The monitor's database role"`,
    );
  }
}

/** A value the config takes from the environment (`${env:NAME}`) is needed now and is not set. */
export class MissingEnvironmentError extends Error {
  override readonly name = 'MissingEnvironmentError';
  constructor(
    readonly variable: string,
    readonly usedFor: string,
  ) {
    super(`${usedFor} comes from the environment variable ${variable}, which is not set.`);
  }
}

/** The message of anything thrown, for reports; never a stack trace. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** One event EventBridge refused, or one whose PutEvents call failed. */
export interface Refusal {
  detailType: string;
  errorCode: string;
  errorMessage: string;
}

/**
 * Events that EventBridge still refused after every retry, and the events held back behind them (a
 * check's later events wait for its earlier ones): they stay in the outbox, and the run fails loudly.
 */
export class EventsNotPublishedError extends Error {
  override readonly name = 'EventsNotPublishedError';
  /** The `eventId`s of every event not on the bus: refused, or held back. */
  readonly eventIds: string[];
  constructor(
    readonly failed: Refusal[],
    readonly bus: string,
    notPublished: ReadonlyArray<{ detail: { eventId: string } }> = [],
  ) {
    const first = failed[0];
    const held = notPublished.length - failed.length;
    super(
      `${failed.length} event(s) could not be put on the bus "${bus}" after retries` +
        (first ? ` (first: ${first.detailType}: ${first.errorCode} ${first.errorMessage})` : '') +
        (held > 0 ? `; ${held} later event(s) of the same checks were held back to keep their order` : '') +
        '. They stay in the outbox: the next run publishes them first.',
    );
    this.eventIds = notPublished.map((e) => e.detail.eventId);
  }
}

/** A message a channel did not accept; the invocation fails so that EventBridge retries it. */
export class DeliveryError extends Error {
  override readonly name: string = 'DeliveryError';
}

/** A use case was composed without a port it needs: a wiring mistake in the runtime, not bad input. */
export class MissingPortError extends Error {
  override readonly name = 'MissingPortError';
  constructor(
    readonly useCase: string,
    readonly port: string,
  ) {
    super(`${useCase} needs ${port}`);
  }
}

/** An event of a detail-type the use case does not handle (the bus rule routed it here by mistake). */
export class UnknownEventError extends Error {
  override readonly name = 'UnknownEventError';
  constructor(
    readonly useCase: string,
    readonly detailType: string,
  ) {
    super(`${useCase} does not handle "${detailType}" events`);
  }
}

/**
 * An event of a known detail-type whose detail is not what Stalewatch emits (a hand-made test event, an
 * event from another version): names each field that is wrong and how. The detail is not echoed.
 */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  constructor(
    readonly useCase: string,
    readonly detailType: string,
    /** Each problem as `field: what is wrong` (`detail` for the whole detail). */
    readonly problems: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`${useCase} cannot read this "${detailType}" event: ${problems.join('; ')}`, options);
  }
}

/** A secret (a Slack webhook, an SSM parameter) that is empty or not text. Names where it is kept, never its value. */
export class SecretValueError extends Error {
  override readonly name = 'SecretValueError';
  constructor(
    readonly store: string,
    readonly secretName: string,
  ) {
    super(`The secret at ${store}:${secretName} is empty or not text`);
  }
}

/**
 * The RDS-style secret of a `connection: direct` source could not be read or used. The message names
 * the setting (`sources.tis.secretArn`) and what is wrong with the secret (a missing field, not JSON),
 * never a value from it.
 */
export class SourceSecretError extends Error {
  override readonly name = 'SourceSecretError';
  constructor(
    readonly source: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`the secret at sources.${source}.secretArn ${problem}`, options);
  }
}
