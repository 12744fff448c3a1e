import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AcknowledgementStore } from '../../app/ports';
import { type Acknowledgement, acknowledgementSchema } from '../../core/loop/acknowledgement';
import { key as stateKey } from './dynamo-state';
import { isConditionFailure } from './table';

/** An acknowledgement whose end was never recorded (a recovery notify could not finish) lapses after this. */
const KEEP_DAYS = 30;

const key = (dataset: string) => ({ pk: `DATASET#${dataset}`, sk: 'ACK' });

function fromItem(item: Record<string, unknown>): Acknowledgement | null {
  const parsed = acknowledgementSchema.safeParse({
    dataset: item.dataset,
    by: item.by,
    slackUserId: item.slackUserId ?? null,
    at: item.at,
    via: item.via,
  });
  return parsed.success ? parsed.data : null;
}

/**
 * Who is on each dataset, in the state table (`pk = DATASET#<dataset>`, `sk = ACK`). The first
 * acknowledgement of a stale spell is kept: a second click, at once or later, and Slack's retries, find
 * it there (a conditional write) and change nothing.
 */
export function dynamoAcknowledgements(client: DynamoDBClient, table: string): AcknowledgementStore {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    async acknowledge(ack) {
      try {
        await doc.send(
          new PutCommand({
            TableName: table,
            Item: {
              ...key(ack.dataset),
              ...ack,
              expiresAt: Math.floor(Date.parse(ack.at) / 1000) + KEEP_DAYS * 86_400,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return { recorded: true, current: ack };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const { Item } = await doc.send(
        new GetCommand({ TableName: table, Key: key(ack.dataset), ConsistentRead: true }),
      );
      return { recorded: false, current: (Item && fromItem(Item)) ?? ack };
    },

    async current(datasets) {
      // One GetItem each (notify asks for one dataset, the digest for its stale ones): notify's role
      // needs no BatchGetItem.
      const found = new Map<string, Acknowledgement>();
      await Promise.all(
        [...new Set(datasets)].map(async (dataset) => {
          const { Item } = await doc.send(
            new GetCommand({ TableName: table, Key: key(dataset), ConsistentRead: true }),
          );
          const ack = Item && fromItem(Item);
          if (ack) found.set(dataset, ack);
        }),
      );
      return found;
    },

    async end(dataset, at) {
      try {
        await doc.send(
          new DeleteCommand({
            TableName: table,
            Key: key(dataset),
            ConditionExpression: '#at = :at',
            ExpressionAttributeNames: { '#at': 'at' },
            ExpressionAttributeValues: { ':at': at },
          }),
        );
      } catch (error) {
        // Already ended, or someone acknowledged again since: nothing to end.
        if (!isConditionFailure(error)) throw error;
      }
    },
  };
}

/**
 * Whether every one of these checks passes now (read from their state items, one GetItem each: a
 * dataset has a few checks). A check with no state has never failed.
 */
export function dynamoAllPassing(client: DynamoDBClient, table: string) {
  const doc = DynamoDBDocumentClient.from(client);
  return async (checkIds: readonly string[]): Promise<boolean> => {
    const states = await Promise.all(
      checkIds.map((checkId) =>
        doc.send(
          new GetCommand({
            TableName: table,
            Key: stateKey(checkId),
            ConsistentRead: true,
            ProjectionExpression: '#status',
            ExpressionAttributeNames: { '#status': 'status' },
          }),
        ),
      ),
    );
    return states.every(({ Item }) => !Item || Item.status === 'pass');
  };
}
