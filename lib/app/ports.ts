import type { AlarmState } from '../core/alarms/news';
import type { EventEntry } from '../core/events/types';
import type { HistoryEntry } from '../core/history';
import type { Acknowledgement } from '../core/loop/acknowledgement';
import type { Alert } from '../core/messages/model';
import type { Config, Contact, Engine, SecretRef, Settings, SourceConfig } from '../core/model/config';
import type { CheckState, CheckStateInput } from '../core/model/state';
import type { CheckNow } from '../core/status';

/**
 * An open connection to a database that runs one SELECT and returns its first row by column name, or
 * null when it returned none. It throws `StatementError` when the database refuses the statement (the
 * batch is then split to find the check at fault), `QueryTimeoutError` when the database stopped it for
 * running too long, and `SourceUnavailableError` when the database cannot be reached. Every message it
 * throws has had quoted values and passwords taken out (`scrub.ts`).
 */
export interface SqlConnection {
  readonly dialect: Engine;
  /**
   * `signal` is aborted when the run's time is up: the connection stops waiting at once (rejecting),
   * and cancels the statement on the database where it can (`pg_cancel_backend`, `KILL QUERY`).
   */
  queryRow(sql: string, signal?: AbortSignal): Promise<Record<string, unknown> | null>;
  /** Closes the connection, once any cancellation has been sent; never waits long on a dead server. */
  close(): Promise<void>;
}

/** How to reach one source: opens a connection for one run. */
export interface SourceConnector {
  /** The source's name in config: `tis`. */
  readonly source: string;
  readonly dialect: Engine;
  /** Shown in reports: `postgres://…@host/db` with no password, `pglite:`, `rds-data:…`. */
  readonly description: string;
  /** The longest one statement may run (the source's `statementTimeout`). */
  readonly statementTimeoutMs: number;
  connect(signal?: AbortSignal): Promise<SqlConnection>;
}

/** A source's statement timeout when nothing says otherwise (docs/config.md: `statementTimeout`, 30s). */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

/**
 * Check state and the outbox in one DynamoDB table:
 * - `pk = CHECK#<checkId>`: `sk = STATE` for the current state, `sk = RUN#<time>` for history (TTL);
 * - `pk = OUTBOX#<source>`, `sk = <run time>#<n>#<eventId>`: one item per event not yet accepted by
 *   EventBridge, so a run reads its source's pending events oldest first with one Query;
 * - `pk = SOURCE#<source>`, `sk = LAST_RUN`: when the source's latest recorded run was.
 * How a transition and its events are written together without a transaction: see `recordRun`.
 */
export interface StateStore {
  load(checkIds: readonly string[]): Promise<Map<string, StoredState>>;
  /**
   * Writes events to the outbox, uncommitted, in batches. A retry of the same run writes the same items
   * (same keys, same events); what makes one publishable is a state naming it (see `recordRun`).
   */
  prepare(items: readonly OutboxItem[]): Promise<void>;
  /**
   * Writes `state`, naming the `eventId`s of the outbox items it commits and the sources whose outboxes
   * hold them (none given: none), if the stored version is still `expectedVersion`; false when another
   * run got there. Its times may be `Date`s or ISO-8601 text (a state as stored); the store writes them
   * as text.
   */
  save(
    state: CheckStateInput,
    expectedVersion: number,
    outboxEventIds: readonly string[],
    outboxSources?: readonly string[],
  ): Promise<boolean>;
  /**
   * Marks outbox items committed (publishable by any run, and kept until published); an item already
   * gone (published) stays gone.
   */
  commit(items: readonly OutboxItem[]): Promise<void>;
  /** Every event waiting in the outboxes of these sources, oldest first, committed or not. */
  outbox(sources: readonly string[]): Promise<OutboxItem[]>;
  /** Removes outbox items once EventBridge has accepted their events. */
  remove(items: readonly OutboxItem[]): Promise<void>;
  /**
   * Keeps what a run saw, for `historyDays`: one item per state given (the run gives those whose status
   * changed, and each check's first of the day: lib/core/transition.ts `worthHistory`).
   */
  recordHistory(states: readonly CheckState[]): Promise<void>;
  /** When each of these sources' latest recorded run was (its `now`); a source never recorded is absent. */
  lastRuns(sources: readonly string[]): Promise<Map<string, Date>>;
  /**
   * Notes that a run of these sources at `at` was recorded: one small item per source, kept at the
   * latest run (an older run, or one from the future, does not move it back). Runs that change nothing
   * write no check's state, so this is how a late run knows a newer one has looked.
   */
  markRun(sources: readonly string[], at: Date, runId: string, clock: Date | null): Promise<void>;
  /** Every check's state now: what digests read (stale now, or back to normal since the last one). */
  states(): Promise<CheckState[]>;
}

/** A check's state as the store keeps it: the state, plus what the store needs to commit its events. */
export type StoredState = CheckState & {
  /** The `eventId`s of the outbox items this state names: its run's, and earlier ones still waiting. */
  outboxEventIds: string[];
  /**
   * The sources whose outboxes hold those events: the check's source when they were written, which a
   * config change may have changed since (empty in a state written before this was kept).
   */
  outboxSources: string[];
  /** Events an older version kept inside the state item (`outbox`): moved to outbox items by the next run. */
  legacyOutbox: EventEntry[];
};

/** One event in the outbox. */
export interface OutboxItem {
  /** The source of its check: each source has its own outbox. */
  source: string;
  /** `<run time>#<n>#<eventId>`: oldest first, and a check's events of one run in order (`n`). */
  sk: string;
  checkId: string;
  runId: string;
  /**
   * Publishable whatever state a run loaded: set in the item once a run found a state naming it still
   * waiting, or (in memory) once this run's state write naming it succeeded.
   */
  committed: boolean;
  event: EventEntry;
}

/** Outbox items oldest first (their keys begin with their run's time), a check's in its order. */
export const oldestFirst = (a: OutboxItem, b: OutboxItem) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0);

/** The outbox items of one check's events of one run, in order (uncommitted). */
export function outboxItemsOf(events: readonly EventEntry[]): OutboxItem[] {
  return events.flatMap((event, n) =>
    'checkId' in event.detail
      ? [
          {
            source: event.detail.source,
            sk: `${event.time}#${n}#${event.detail.eventId}`,
            checkId: event.detail.checkId,
            runId: event.detail.runId,
            committed: false,
            event,
          },
        ]
      : [],
  );
}

/** What a claim on one message found: it is now ours to send, a channel already has it, or another invocation is sending it. */
export type Claim =
  | { status: 'claimed'; token: string }
  | { status: 'sent' }
  | { status: 'busy'; leaseUntil: Date };

/**
 * Which messages are being sent and which a channel has accepted, in the state table
 * (`pk = SENT#<message key>`, `sk = <contact>#<channel>#<part>`). A message is claimed (a conditional
 * write) before it is sent and recorded once the channel accepts it, so that of two invocations sending
 * the same message only one sends it. A claim lapses at `leaseUntil`, after which another invocation may
 * take it over: that is how a message whose sender crashed before sending is still delivered.
 */
export interface SentRecord {
  /** Claims a message until `leaseUntil`, unless it was sent or another claim on it still holds at `now`. */
  claim(key: string, delivery: string, now: Date, leaseUntil: Date): Promise<Claim>;
  /**
   * Records that a channel accepted the message (whoever holds the claim: it was sent). `signal` stops
   * the write (and the client's retries) when the invocation has no time left for it.
   */
  markSent(key: string, delivery: string, at: Date, signal?: AbortSignal): Promise<void>;
  /** Gives up a claim after the channel refused the message, so that a retry can send it at once. */
  release(key: string, delivery: string, token: string): Promise<void>;
}

/** A message held back by quiet hours, to deliver when they end. */
export interface HeldMessage {
  releaseAt: string;
  contactId: string;
  /** The check its event is about (null: held by a version that did not keep it). */
  checkId: string | null;
  /** Its event's time (the run's `now`): held messages are delivered in this order. */
  eventAt: string;
  alert: Alert;
}

/**
 * One integration that delivers messages (Slack, email, Teams): the last stage of notify's pipeline, as
 * an Alertmanager notifier is. Notify's stages around it (snoozes, the order of messages, quiet hours,
 * the claim and sent record of each part) are the same for every channel; a channel only says what it
 * would send a contact and sends one part. Adapters: lib/adapters/slack/webhook.ts, lib/adapters/aws/ses.ts,
 * lib/adapters/teams/webhook.ts; the list is built in lib/runtime/lambda/alerts.ts.
 */
export interface Channel<M = unknown> {
  /** `slack`, `email`, `teams`: the channel's part of each sent record (`<contact>#<name>#<part>`). */
  readonly name: string;
  /**
   * The parts this channel sends `contact` for `alert`, in order (a long Slack message is several); none
   * when the contact is not on this channel, or the channel is not set up (no sender address). Each part
   * is claimed, sent and recorded on its own.
   */
  render(alert: Alert, contact: Contact, settings: Settings): Promise<M[]>;
  /**
   * Sends one part, retrying what is worth another try (lib/core/retry.ts); throws `DeliveryError` when
   * the channel refuses it or never answers, with no secret (a webhook URL) in the message.
   */
  send(contact: Contact, message: M): Promise<void>;
}

/** What notify needs from the outside world: the real ones in `functions/notify.ts`, local ones in tests. */
export interface NotifyPorts {
  config: () => Config;
  clock: () => Date;
  sent: SentRecord;
  /** Waits while another invocation is sending a message this one has to send too. */
  sleep: (ms: number) => Promise<void>;
  /** Where messages go, in the order each contact's are sent (lib/runtime/lambda/alerts.ts). */
  channels: readonly Channel[];
  /** A snooze set with `stalewatch snooze` (the dataset file's `snooze` is in the config). */
  snoozedUntil: (dataset: string) => Promise<Date | null>;
  hold: (message: HeldMessage) => Promise<void>;
  /**
   * Held messages whose quiet hours are over, in the order of their events, and a way to drop each once
   * delivered.
   */
  heldDue: (now: Date) => Promise<Array<HeldMessage & { done: () => Promise<void> }>>;
  /**
   * Notes that a message of the event at `eventAt` about `checkId` goes to `contactId` (sent or held);
   * false, noting nothing, when a message of a later event about that check already went to them.
   */
  isLatest: (checkId: string, contactId: string, eventAt: string) => Promise<boolean>;
  /**
   * The stored states of these checks (those that have one), read consistently: what one story per
   * cause reads of the datasets a dataset depends on and that depend on it. Absent: every dataset's
   * news is told alone.
   */
  checkStates?: (checkIds: readonly string[]) => Promise<ReadonlyMap<string, CheckState>>;
  /**
   * When each source's latest recorded run was (its run mark): a run that changed nothing writes no
   * check state, so a check was judged in a tick when its state or its source's mark says so. Absent:
   * the states' own run times are read alone.
   */
  lastRuns?: (sources: readonly string[]) => Promise<ReadonlyMap<string, Date>>;
  /**
   * Who is on which dataset ("I'm on it", `stalewatch ack`), and whether a dataset's checks are all
   * back to normal (pass): an acknowledgement ends when they are. Absent: no one is ever on it.
   */
  loop?: {
    acknowledgements: AcknowledgementStore;
    allPassing: (checkIds: readonly string[]) => Promise<boolean>;
  };
}

/** Who is on which dataset: one acknowledgement per dataset, until it recovers (lib/adapters/aws/acknowledgements.ts). */
export interface AcknowledgementStore {
  /**
   * Records `ack` unless the dataset already has one (a conditional write): the acknowledgement on
   * record afterwards, which is the earlier one when two clicks race or Slack retries.
   */
  acknowledge(ack: Acknowledgement): Promise<{ recorded: boolean; current: Acknowledgement }>;
  /** The acknowledgements of these datasets (those that have one). */
  current(datasets: readonly string[]): Promise<Map<string, Acknowledgement>>;
  /** Ends the acknowledgement made at `at` (the dataset recovered); a later one is kept. */
  end(dataset: string, at: string): Promise<void>;
}

/** Snoozes set at run time (`stalewatch snooze`, the Snooze button). */
export interface SnoozeStore {
  /** Snoozes `dataset` until `until`, unless it is already snoozed as long or longer; the snooze now on record. */
  extend(dataset: string, until: Date): Promise<Date>;
}

/** What the interactions function needs from the outside world (lib/runtime/lambda/interactions.ts). */
export interface InteractionPorts {
  config: () => Config;
  clock: () => Date;
  /** The Slack app's signing secret (cached); null when the settings name no Slack app. */
  signingSecret: () => Promise<string | null>;
  acknowledgements: AcknowledgementStore;
  /**
   * The statuses of these checks now, those that have a state: a click on an old message about a
   * dataset back to normal records no one. Absent: every click is recorded.
   */
  statuses?: (checkIds: readonly string[]) => Promise<string[]>;
  snoozes: SnoozeStore;
  /** The settings' public holidays, for "the next working day". */
  holidays: () => { isDayOff(localDate: string): boolean };
  /** Posts to a click's `response_url` (Slack's way to update the message that was clicked). */
  respond: (responseUrl: string, message: unknown) => Promise<void>;
}

/** Where alarm states and their reminders are kept (lib/adapters/dynamo-alarms.ts). */
export interface AlarmStore {
  load(checkId: string): Promise<AlarmState | null>;
  /** Writes `state` if the stored version is still `expectedVersion` (0: none); false when another got there. */
  save(state: AlarmState, expectedVersion: number): Promise<boolean>;
  /** Notes that a reminder about `checkId` is due at `at` (writing the same one twice keeps one). */
  remindAt(checkId: string, at: Date): Promise<void>;
  /** Reminders due by `now`, each with a way to drop it once handled. */
  remindersDue(now: Date): Promise<Array<{ checkId: string; dueAt: string; done: () => Promise<void> }>>;
}

/**
 * What `stalewatch doctor` asks of AWS, as the person running it (their credentials, not the functions'
 * roles). Each call answers or throws an error named as the SDK names it (`ResourceNotFoundException`,
 * `ParameterNotFound`, `AccessDeniedException`…) with no secret and no quoted value in its message;
 * `doctor` turns the name into what to do.
 */
export interface DoctorPorts {
  /** One statement through the Data API with the source's ARNs: its rows by column name. */
  execute(source: SourceConfig, sql: string): Promise<Array<Record<string, unknown>>>;
  describeSecret(arn: string): Promise<void>;
  /** Which of the secret's JSON fields are there (`username`, `password`); never the values. */
  secretFields(arn: string): Promise<string[] | null>;
  /**
   * Reads what a contact's reference holds and checks it is usable on `channel` (a Slack webhook is an
   * https URL); throws `WebhookSecretError` when it is not. The value is never returned.
   */
  checkReference(ref: SecretRef, channel: string): Promise<void>;
  /** An SSM parameter that is not secret (the sender address), or undefined when there is none. */
  plainParameter(name: string): Promise<string | undefined>;
  sesAccount(): Promise<{ productionAccess: boolean; sendingEnabled: boolean }>;
  /** Whether SES may send from `identity` (an address or a domain). */
  sesIdentityVerified(identity: string): Promise<boolean>;
  /** The ARN of the SNS topic called `name`, or null when there is none in the region. */
  topicArn(name: string): Promise<string | null>;
  /** How many of the topic's subscriptions are confirmed, and how many wait for confirmation. */
  subscriptions(topicArn: string): Promise<{ confirmed: number; pending: number }>;
  close(): void;
}

/** What the status page reads of the deployed state: each check's state, and its runs' history. */
export interface StatusStatePort {
  /** The stored state of these checks (those that have one). */
  states(checkIds: readonly string[]): Promise<Map<string, CheckNow>>;
  /** The runs of these checks since `from`, as the history items keep them. */
  history(checkIds: readonly string[], from: Date): Promise<HistoryEntry[]>;
  /** Who is on these datasets (or `alarm/<name>`s): the acknowledgements on record. */
  acknowledgements(ids: readonly string[]): Promise<Map<string, Acknowledgement>>;
  /** The state of every alarm the service has heard of, by its check id (`alarm/<name>`). */
  alarms(): Promise<Map<string, CheckNow>>;
}

/** Where the page goes once written (a folder, a bucket). */
export type StatusPageSink = (html: string) => Promise<void>;
