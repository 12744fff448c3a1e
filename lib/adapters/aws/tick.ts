import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TTL_ATTRIBUTE } from './table';

/** How long a tick's item is kept: past a day, no run of that tick is still going. */
const TICK_KEPT_SECONDS = 2 * 86_400;

/**
 * Notes that `source`'s run of the tick `runId` (the schedule event's id, shared by every source's run)
 * has finished, and answers how many of that tick's sources have: one item per tick whose string set of
 * sources grows with each (a retried run adds nothing). Expires two days after the tick's `now`.
 */
export function dynamoTickDone(client: DynamoDBClient, table: string) {
  const doc = DynamoDBDocumentClient.from(client);
  return async (runId: string, source: string, now: Date): Promise<number> => {
    const answer = await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: `TICK#${runId}`, sk: 'SOURCES' },
        UpdateExpression: 'ADD #sources :source SET #ttl = :ttl',
        ExpressionAttributeNames: { '#sources': 'sources', '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: {
          ':source': new Set([source]),
          ':ttl': Math.floor(now.getTime() / 1000) + TICK_KEPT_SECONDS,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return (answer.Attributes?.sources as Set<string> | undefined)?.size ?? 0;
  };
}
