import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Alert } from '../model';
import type { HeldMessage } from '../notify';

/** Times inside a stored alert (`Moment.at`) come back as Dates. */
const revive = (key: string, value: unknown) =>
  key === 'at' && typeof value === 'string' ? new Date(value) : value;

/**
 * Messages held by quiet hours (`pk = HELD`, `sk = <releaseAt>#<message key>#<contact>`) and snoozes set
 * with `stalewatch snooze` (`pk = SNOOZE#<dataset>`), in the state table.
 */
export function dynamoHolds(client: DynamoDBClient, table: string) {
  const doc = DynamoDBDocumentClient.from(client);
  return {
    async hold(message: HeldMessage): Promise<void> {
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: {
            pk: 'HELD',
            sk: `${message.releaseAt}#${message.alert.key}#${message.contactId}`,
            contactId: message.contactId,
            releaseAt: message.releaseAt,
            alert: JSON.stringify(message.alert),
          },
        }),
      );
    },
    async heldDue(now: Date): Promise<Array<HeldMessage & { done: () => Promise<void> }>> {
      const answer = await doc.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :held AND sk <= :now',
          ExpressionAttributeValues: { ':held': 'HELD', ':now': `${now.toISOString()}~` },
          ConsistentRead: true,
        }),
      );
      return (answer.Items ?? []).map((item) => ({
        releaseAt: item.releaseAt,
        contactId: item.contactId,
        alert: JSON.parse(item.alert, revive) as Alert,
        done: async () => {
          await doc.send(new DeleteCommand({ TableName: table, Key: { pk: 'HELD', sk: item.sk } }));
        },
      }));
    },
    async snoozedUntil(dataset: string): Promise<Date | null> {
      const answer = await doc.send(
        new GetCommand({ TableName: table, Key: { pk: `SNOOZE#${dataset}`, sk: 'SNOOZE' } }),
      );
      return answer.Item?.until ? new Date(answer.Item.until) : null;
    },
    async snooze(dataset: string, until: Date): Promise<void> {
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: {
            pk: `SNOOZE#${dataset}`,
            sk: 'SNOOZE',
            until: until.toISOString(),
            expiresAt: Math.floor(until.getTime() / 1000) + 86_400,
          },
        }),
      );
    },
  };
}
