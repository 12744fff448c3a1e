import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { EventEntry } from '../events/types';
import { forEachConcurrently } from '../util/concurrently';
import type { CheckState } from './types';

/**
 * Check state and the outbox in one DynamoDB table:
 * - `pk = CHECK#<checkId>`: `sk = STATE` for the current state, `sk = RUN#<time>` for history (TTL);
 * - `pk = OUTBOX#<source>`, `sk = <run time>#<n>#<eventId>`: one item per event not yet accepted by
 *   EventBridge, so a run reads its source's pending events oldest first with one Query.
 * How a transition and its events are written together without a transaction: see `recordRun`.
 */
export interface StateStore {
  load(checkIds: readonly string[]): Promise<Map<string, StoredState>>;
  /** Writes events to the outbox, uncommitted (kept if already there: a retry writes the same items). */
  prepare(items: readonly OutboxItem[]): Promise<void>;
  /**
   * Writes `state`, naming the outbox items it commits, if the stored version is still
   * `expectedVersion`; false when another run got there.
   */
  save(state: CheckState, expectedVersion: number, outbox: readonly OutboxItem[]): Promise<boolean>;
  /** Marks outbox items committed (publishable); an item already gone (published) stays gone. */
  commit(items: readonly OutboxItem[]): Promise<void>;
  /** Every event waiting in the outboxes of these sources, oldest first, committed or not. */
  outbox(sources: readonly string[]): Promise<OutboxItem[]>;
  /** Removes outbox items once EventBridge has accepted their events. */
  remove(items: readonly OutboxItem[]): Promise<void>;
  /** Keeps what a run saw, for `historyDays`. */
  recordHistory(states: readonly CheckState[]): Promise<void>;
  /** Every check that is stale now (warn or fail): what digests list. */
  staleStates(): Promise<CheckState[]>;
}

export type StoredState = CheckState & {
  /** The `eventId`s of the outbox items that the write of this state committed. */
  outboxEventIds: string[];
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
  /** True once the state write that caused it succeeded: only committed events are published. */
  committed: boolean;
  event: EventEntry;
}

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

/** How long history items, and outbox items whose state write lost or never happened, are kept. */
export const HISTORY_DAYS = 30;

const key = (checkId: string, sk = 'STATE') => ({ pk: `CHECK#${checkId}`, sk });
const outboxKey = (item: Pick<OutboxItem, 'source' | 'sk'>) => ({ pk: `OUTBOX#${item.source}`, sk: item.sk });
const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException ||
  (error as Error).name === 'ConditionalCheckFailedException';

function fromItem(item: Record<string, unknown>): StoredState {
  const { pk: _pk, sk: _sk, outbox, outboxEventIds, ...rest } = item;
  return {
    ...(rest as unknown as CheckState),
    outboxEventIds: (outboxEventIds as string[] | undefined) ?? [],
    legacyOutbox: (outbox as EventEntry[] | undefined) ?? [],
  };
}

/** How many BatchGetItem or BatchWriteItem calls one operation has in flight at once. */
const BATCHES_AT_ONCE = 8;

const chunksOf = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** Waits before sending again what DynamoDB left unprocessed: 50 ms, doubling with each try. */
const backoff = (tries: number) => new Promise((resolve) => setTimeout(resolve, 50 * 2 ** tries));

/** The store over a table, through the real DynamoDB client (`AWS_ENDPOINT_URL_DYNAMODB` is honoured). */
export function dynamoStateStore(client: DynamoDBClient, table: string): StateStore {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

  /**
   * BatchWriteItem in chunks of 25, `BATCHES_AT_ONCE` chunks at a time, sending again what DynamoDB left
   * unprocessed (with backoff).
   */
  async function batchWrite(requests: readonly unknown[], what: string): Promise<void> {
    await forEachConcurrently(chunksOf(requests, 25), BATCHES_AT_ONCE, async (first) => {
      let chunk = first;
      for (let tries = 0; chunk.length > 0 && tries < 8; tries++) {
        const answer = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: chunk as never } }));
        chunk = answer.UnprocessedItems?.[table] ?? [];
        if (chunk.length > 0) await backoff(tries);
      }
      if (chunk.length > 0)
        throw new Error(`DynamoDB left ${chunk.length} ${what} unprocessed after retries`);
    });
  }

  return {
    async load(checkIds) {
      const states = new Map<string, StoredState>();
      await forEachConcurrently(chunksOf(checkIds, 100), BATCHES_AT_ONCE, async (ids) => {
        let keys: Array<Record<string, unknown>> = ids.map((id) => key(id));
        for (let tries = 0; keys.length > 0 && tries < 8; tries++) {
          const answer = await doc.send(
            new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
          );
          for (const item of answer.Responses?.[table] ?? []) {
            const state = fromItem(item);
            states.set(state.checkId, state);
          }
          keys = answer.UnprocessedKeys?.[table]?.Keys ?? [];
          if (keys.length > 0) await backoff(tries);
        }
        if (keys.length > 0)
          throw new Error(`DynamoDB left ${keys.length} state reads unprocessed after retries`);
      });
      return states;
    },

    async prepare(items) {
      await Promise.all(
        items.map(async (item) => {
          try {
            await doc.send(
              new PutCommand({
                TableName: table,
                Item: {
                  ...outboxKey(item),
                  checkId: item.checkId,
                  runId: item.runId,
                  committed: false,
                  detailType: item.event.detailType,
                  detail: JSON.stringify(item.event.detail),
                  time: item.event.time,
                  // Not committed within this time: its state write lost or never happened.
                  expiresAt: Math.floor(new Date(item.event.time).getTime() / 1000) + HISTORY_DAYS * 86_400,
                },
                // Never over an item a duplicate of this run already wrote, and perhaps committed.
                ConditionExpression: 'attribute_not_exists(pk)',
              }),
            );
          } catch (error) {
            if (!isConditionFailure(error)) throw error;
          }
        }),
      );
    },

    async save(state, expectedVersion, outbox) {
      try {
        await doc.send(
          new PutCommand({
            TableName: table,
            Item: {
              ...key(state.checkId),
              ...state,
              outboxEventIds: outbox.map((i) => i.event.detail.eventId),
            },
            ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
            ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async commit(items) {
      await Promise.all(
        items.map(async (item) => {
          try {
            await doc.send(
              new UpdateCommand({
                TableName: table,
                Key: outboxKey(item),
                UpdateExpression: 'SET committed = :yes REMOVE expiresAt',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':yes': true },
              }),
            );
          } catch (error) {
            if (!isConditionFailure(error)) throw error;
          }
        }),
      );
    },

    async outbox(sources) {
      const items: OutboxItem[] = [];
      for (const source of sources) {
        let start: Record<string, unknown> | undefined;
        do {
          const page = await doc.send(
            new QueryCommand({
              TableName: table,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': `OUTBOX#${source}` },
              ConsistentRead: true,
              ExclusiveStartKey: start,
            }),
          );
          for (const item of page.Items ?? []) {
            items.push({
              source,
              sk: item.sk as string,
              checkId: item.checkId as string,
              runId: item.runId as string,
              committed: item.committed === true,
              event: {
                detailType: item.detailType as EventEntry['detailType'],
                detail: JSON.parse(item.detail as string),
                time: item.time as string,
              },
            });
          }
          start = page.LastEvaluatedKey;
        } while (start);
      }
      return items.sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));
    },

    async remove(items) {
      await batchWrite(
        items.map((item) => ({ DeleteRequest: { Key: outboxKey(item) } })),
        'outbox deletions',
      );
    },

    async recordHistory(states) {
      await batchWrite(
        states.map((s) => ({
          PutRequest: {
            Item: {
              ...key(s.checkId, `RUN#${s.runAt}`),
              status: s.status,
              observed: s.observed,
              lastUpdatedAt: s.lastUpdatedAt,
              staleSince: s.staleSince,
              runId: s.runId,
              expiresAt: Math.floor(new Date(s.runAt).getTime() / 1000) + HISTORY_DAYS * 86_400,
            },
          },
        })),
        'history writes',
      );
    },

    async staleStates() {
      const states: CheckState[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new ScanCommand({
            TableName: table,
            FilterExpression: 'sk = :state AND (#status = :warn OR #status = :fail)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':state': 'STATE', ':warn': 'warn', ':fail': 'fail' },
            ExclusiveStartKey: start,
          }),
        );
        states.push(...(page.Items ?? []).map(fromItem));
        start = page.LastEvaluatedKey;
      } while (start);
      return states;
    },
  };
}
