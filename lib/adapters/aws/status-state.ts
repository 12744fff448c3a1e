import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { StatusStatePort } from '../../app/ports';
import { type HistoryEntry, historyEntrySchema } from '../../core/history';
import { forEachConcurrently } from '../../core/util/concurrently';
import { dynamoAcknowledgements } from './acknowledgements';
import { alarmIds } from './alarms';
import { dynamoStateStore, key as stateKey } from './dynamo-state';

/** How many checks' history is read at once: round trips overlap, DynamoDB is not flooded. */
const CONCURRENCY = 16;

/**
 * What the status page reads of the state table (`dynamo-state.ts` keeps it): the `STATE` items, and
 * per check one Query of its `RUN#<time>` history items from `from` on, only the status and the time
 * (ProjectionExpression). An item that is not a run's history (hand-edited, another version) is skipped.
 */
export function dynamoStatusState(client: DynamoDBClient, table: string): StatusStatePort {
  const doc = DynamoDBDocumentClient.from(client);
  const store = dynamoStateStore(client, table);
  const acknowledgements = dynamoAcknowledgements(client, table);
  const states = async (checkIds: readonly string[]) => {
    const stored = await store.load(checkIds);
    return new Map(
      [...stored].map(([id, s]) => [
        id,
        {
          checkId: id,
          status: s.status,
          since: s.since,
          staleSince: s.staleSince,
          lastUpdatedAt: s.lastUpdatedAt,
        },
      ]),
    );
  };
  return {
    states,
    acknowledgements: (ids) => acknowledgements.current(ids),
    async alarms() {
      return states(await alarmIds(doc, table));
    },

    async history(checkIds, from) {
      const entries: HistoryEntry[] = [];
      await forEachConcurrently(checkIds, CONCURRENCY, async (checkId) => {
        const pages = paginateQuery(
          { client: doc },
          {
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':pk': stateKey(checkId).pk,
              ':from': `RUN#${from.toISOString()}`,
              ':to': 'RUN#~',
            },
            ProjectionExpression: 'sk, #status',
          },
        );
        for await (const page of pages) {
          for (const item of page.Items ?? []) {
            const entry = historyEntrySchema.safeParse({
              checkId,
              runAt: String(item.sk).slice('RUN#'.length),
              status: item.status,
            });
            if (entry.success) entries.push(entry.data);
          }
        }
      });
      return entries;
    },
  };
}
