import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { EventEntry } from '../events/types';
import type { CheckState } from './types';

/**
 * Check state in one DynamoDB table: `pk = CHECK#<checkId>`; `sk = STATE` for the current state (with
 * the events it still has to publish: an outbox), `sk = RUN#<time>` for history, which expires by TTL.
 */
export interface StateStore {
  load(checkIds: readonly string[]): Promise<Map<string, StoredState>>;
  /** Writes `state` if the stored version is still `expectedVersion`; false when another run got there. */
  save(state: CheckState, expectedVersion: number, outbox: readonly EventEntry[]): Promise<boolean>;
  /** Empties the outbox of the state written by `runId`, once its events are on the bus. */
  clearOutbox(checkId: string, runId: string): Promise<void>;
  /** Keeps what a run saw, for `historyDays`. */
  recordHistory(states: readonly CheckState[]): Promise<void>;
  /** Every check that is stale now (warn or fail): what digests list. */
  staleStates(): Promise<CheckState[]>;
}

export type StoredState = CheckState & { outbox: EventEntry[] };

/** How long history items are kept. */
export const HISTORY_DAYS = 30;

const key = (checkId: string, sk = 'STATE') => ({ pk: `CHECK#${checkId}`, sk });

function fromItem(item: Record<string, unknown>): StoredState {
  const { pk: _pk, sk: _sk, ...rest } = item;
  const state = rest as unknown as StoredState;
  return { ...state, outbox: state.outbox ?? [] };
}

/** The store over a table, through the real DynamoDB client (`AWS_ENDPOINT_URL_DYNAMODB` is honoured). */
export function dynamoStateStore(client: DynamoDBClient, table: string): StateStore {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    async load(checkIds) {
      const states = new Map<string, StoredState>();
      for (let i = 0; i < checkIds.length; i += 100) {
        let keys: Array<Record<string, unknown>> = checkIds.slice(i, i + 100).map((id) => key(id));
        for (let tries = 0; keys.length > 0 && tries < 8; tries++) {
          const answer = await doc.send(
            new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
          );
          for (const item of answer.Responses?.[table] ?? []) {
            const state = fromItem(item);
            states.set(state.checkId, state);
          }
          keys = answer.UnprocessedKeys?.[table]?.Keys ?? [];
          if (keys.length > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** tries));
        }
        if (keys.length > 0)
          throw new Error(`DynamoDB left ${keys.length} state reads unprocessed after retries`);
      }
      return states;
    },

    async save(state, expectedVersion, outbox) {
      try {
        await doc.send(
          new PutCommand({
            TableName: table,
            Item: { ...key(state.checkId), ...state, outbox },
            ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
            ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
          }),
        );
        return true;
      } catch (error) {
        if (
          error instanceof ConditionalCheckFailedException ||
          (error as Error).name === 'ConditionalCheckFailedException'
        ) {
          return false;
        }
        throw error;
      }
    },

    async clearOutbox(checkId, runId) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: key(checkId),
            UpdateExpression: 'SET outbox = :empty',
            ConditionExpression: 'runId = :run',
            ExpressionAttributeValues: { ':empty': [], ':run': runId },
          }),
        );
      } catch (error) {
        // A later run has written the state since: its outbox is its own.
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    },

    async recordHistory(states) {
      const items = states.map((s) => ({
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
      }));
      for (let i = 0; i < items.length; i += 25) {
        let requests: unknown[] = items.slice(i, i + 25);
        for (let tries = 0; requests.length > 0 && tries < 8; tries++) {
          const answer = await doc.send(
            new BatchWriteCommand({ RequestItems: { [table]: requests as never } }),
          );
          requests = answer.UnprocessedItems?.[table] ?? [];
          if (requests.length > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** tries));
        }
      }
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
