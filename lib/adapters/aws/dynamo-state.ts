import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  paginateScan,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type OutboxItem, oldestFirst, type StateStore, type StoredState } from '../../app/ports';
import type { EventEntry } from '../../core/events/types';
import { type CheckState, checkStateSchema, storedFormOf } from '../../core/model/state';
import { again, done, type RetryPolicy, retry } from '../../core/retry';
import { forEachConcurrently } from '../../core/util/concurrently';
import { abortableSleep } from '../sleep';
import { isConditionFailure } from './table';

/** How long history items, and outbox items whose state write lost or never happened, are kept. */
export const HISTORY_DAYS = 30;

/** The key of a check's state item (`sk = STATE`) or of one of its history items. */
export const key = (checkId: string, sk = 'STATE') => ({ pk: `CHECK#${checkId}`, sk });
/** The key of a source's run mark: when its latest recorded run was. */
const sourceKey = (source: string) => ({ pk: `SOURCE#${source}`, sk: 'LAST_RUN' });
/** The time a run mark holds; null for none (or one this version cannot read, which counts as none). */
function runAtOf(mark: Record<string, unknown> | undefined): Date | null {
  const at = Date.parse(String(mark?.runAt));
  return Number.isNaN(at) ? null : new Date(at);
}
const outboxKey = (item: Pick<OutboxItem, 'source' | 'sk'>) => ({ pk: `OUTBOX#${item.source}`, sk: item.sk });

/** A state item the table holds that this version cannot read (hand-edited, or written by another tool). */
export class StoredStateError extends Error {
  override readonly name = 'StoredStateError';
}

/**
 * A state item as the service works with it: times parsed to `Date`s here, the one place they are read;
 * fields the state type does not know (an alarm's `alarm` and `news`) kept as they are.
 */
export function stateOfItem(item: Record<string, unknown>): CheckState & Record<string, unknown> {
  const { pk: _pk, sk, outbox: _outbox, outboxEventIds: _ids, outboxSources: _sources, ...rest } = item;
  const parsed = checkStateSchema.safeParse(rest);
  if (!parsed.success)
    throw new StoredStateError(
      `The state item ${String(item.pk)} / ${String(sk)} cannot be read (${parsed.error.issues
        .map((i) => `${i.path.join('.') || 'item'}: ${i.message}`)
        .join('; ')}): delete it and the next run starts that check afresh`,
      { cause: parsed.error },
    );
  return { ...rest, ...parsed.data };
}

function fromItem(item: Record<string, unknown>): StoredState {
  return {
    ...stateOfItem(item),
    outboxEventIds: (item.outboxEventIds as string[] | undefined) ?? [],
    outboxSources: (item.outboxSources as string[] | undefined) ?? [],
    legacyOutbox: (item.outbox as EventEntry[] | undefined) ?? [],
  };
}

/** How many BatchGetItem or BatchWriteItem calls one operation has in flight at once. */
const BATCHES_AT_ONCE = 8;

const chunksOf = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** Options of the store: how it waits before sending again what DynamoDB left unprocessed. */
export interface DynamoStateOptions {
  /** Waits; passed in so tests need not wait (default: real waits). */
  sleep?: (ms: number) => Promise<void>;
}

/** The store over a table, through the real DynamoDB client (`AWS_ENDPOINT_URL_DYNAMODB` is honoured). */
export function dynamoStateStore(
  client: DynamoDBClient,
  table: string,
  options: DynamoStateOptions = {},
): StateStore {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  /** Sending again what DynamoDB left unprocessed: 8 tries, waits of 50 ms doubling. */
  const unprocessed: RetryPolicy = { attempts: 8, firstDelayMs: 50, sleep: options.sleep ?? abortableSleep };

  /**
   * BatchWriteItem in chunks of 25, `BATCHES_AT_ONCE` chunks at a time, sending again what DynamoDB left
   * unprocessed (with backoff).
   */
  async function batchWrite(requests: readonly unknown[], what: string): Promise<void> {
    await forEachConcurrently(chunksOf(requests, 25), BATCHES_AT_ONCE, async (first) => {
      let chunk = first;
      const written = await retry(async () => {
        const answer = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: chunk as never } }));
        chunk = answer.UnprocessedItems?.[table] ?? [];
        return chunk.length === 0 ? done(undefined) : again(chunk.length);
      }, unprocessed);
      if (!written.done)
        throw new Error(`DynamoDB left ${written.failure} ${what} unprocessed after retries`);
    });
  }

  return {
    async load(checkIds) {
      const states = new Map<string, StoredState>();
      await forEachConcurrently(chunksOf(checkIds, 100), BATCHES_AT_ONCE, async (ids) => {
        let keys: Array<Record<string, unknown>> = ids.map((id) => key(id));
        const read = await retry(async () => {
          const answer = await doc.send(
            new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
          );
          for (const item of answer.Responses?.[table] ?? []) {
            const state = fromItem(item);
            states.set(state.checkId, state);
          }
          keys = answer.UnprocessedKeys?.[table]?.Keys ?? [];
          return keys.length === 0 ? done(undefined) : again(keys.length);
        }, unprocessed);
        if (!read.done)
          throw new Error(`DynamoDB left ${read.failure} state reads unprocessed after retries`);
      });
      return states;
    },

    async prepare(items) {
      // Not conditional (a batch cannot be): a retry of the same run writes the same item again, the
      // same event under the same key, and a state naming it is what makes it publishable.
      await batchWrite(
        items.map((item) => ({
          PutRequest: {
            Item: {
              ...outboxKey(item),
              checkId: item.checkId,
              runId: item.runId,
              committed: false,
              detailType: item.event.detailType,
              detail: JSON.stringify(item.event.detail),
              time: item.event.time,
              // Named by no state within this time: its state write lost or never happened.
              expiresAt: Math.floor(new Date(item.event.time).getTime() / 1000) + HISTORY_DAYS * 86_400,
            },
          },
        })),
        'outbox writes',
      );
    },

    async save(state, expectedVersion, outboxEventIds, outboxSources = []) {
      try {
        await doc.send(
          new PutCommand({
            TableName: table,
            Item: {
              ...key(state.checkId),
              ...storedFormOf(state),
              outboxEventIds,
              outboxSources,
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
        const pages = paginateQuery(
          { client: doc },
          {
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `OUTBOX#${source}` },
            ConsistentRead: true,
          },
        );
        for await (const page of pages) {
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
        }
      }
      return items.sort(oldestFirst);
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
              ...key(s.checkId, `RUN#${s.runAt.toISOString()}`),
              status: s.status,
              observed: s.observed,
              lastUpdatedAt: s.lastUpdatedAt?.toISOString() ?? null,
              staleSince: s.staleSince?.toISOString() ?? null,
              runId: s.runId,
              expiresAt: Math.floor(s.runAt.getTime() / 1000) + HISTORY_DAYS * 86_400,
            },
          },
        })),
        'history writes',
      );
    },

    async lastRuns(sources) {
      const runs = new Map<string, Date>();
      await forEachConcurrently(chunksOf(sources, 100), BATCHES_AT_ONCE, async (names) => {
        let keys: Array<Record<string, unknown>> = names.map(sourceKey);
        const read = await retry(async () => {
          const answer = await doc.send(
            new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
          );
          for (const item of answer.Responses?.[table] ?? []) {
            const at = runAtOf(item);
            if (at) runs.set(String(item.pk).slice('SOURCE#'.length), at);
          }
          keys = answer.UnprocessedKeys?.[table]?.Keys ?? [];
          return keys.length === 0 ? done(undefined) : again(keys.length);
        }, unprocessed);
        if (!read.done) throw new Error(`DynamoDB left ${read.failure} run marks unprocessed after retries`);
      });
      return runs;
    },

    async markRun(sources, at, runId, clock) {
      await Promise.all(
        sources.map(async (source) => {
          try {
            await doc.send(
              new PutCommand({
                TableName: table,
                Item: { ...sourceKey(source), runAt: at.toISOString(), runId },
                // Only forward; a mark from the future (ahead of the clock) is not trusted and is replaced.
                ConditionExpression: `attribute_not_exists(pk) OR runAt < :at${clock ? ' OR runAt > :ceiling' : ''}`,
                ExpressionAttributeValues: {
                  ':at': at.toISOString(),
                  ...(clock ? { ':ceiling': clock.toISOString() } : {}),
                },
              }),
            );
          } catch (error) {
            if (!isConditionFailure(error)) throw error;
          }
        }),
      );
    },

    async states() {
      const states: CheckState[] = [];
      const pages = paginateScan(
        { client: doc },
        {
          TableName: table,
          FilterExpression: 'sk = :state',
          ExpressionAttributeValues: { ':state': 'STATE' },
        },
      );
      for await (const page of pages) states.push(...(page.Items ?? []).map(fromItem));
      return states;
    },
  };
}

/**
 * Check states and run marks read one `GetItem` each: what notify reads for a story about a cause (a
 * handful of items), with a role that may read single items only.
 */
export function dynamoStateReader(client: DynamoDBClient, table: string) {
  const doc = DynamoDBDocumentClient.from(client);
  const get = async (Key: Record<string, unknown>) =>
    (await doc.send(new GetCommand({ TableName: table, Key, ConsistentRead: true }))).Item;
  return {
    /** The states of these checks (those that have one). */
    async states(checkIds: readonly string[]): Promise<Map<string, CheckState>> {
      const states = new Map<string, CheckState>();
      await forEachConcurrently(checkIds, READS_AT_ONCE, async (checkId) => {
        const item = await get(key(checkId));
        if (item) states.set(checkId, stateOfItem(item));
      });
      return states;
    },
    /** When each source's latest recorded run was (those that have run). */
    async lastRuns(sources: readonly string[]): Promise<Map<string, Date>> {
      const runs = new Map<string, Date>();
      await forEachConcurrently(sources, READS_AT_ONCE, async (source) => {
        const at = runAtOf(await get(sourceKey(source)));
        if (at) runs.set(source, at);
      });
      return runs;
    },
  };
}

/** How many single reads {@link dynamoStateReader} has in flight at once. */
const READS_AT_ONCE = 16;
