import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { HeldMessage } from '../../app/ports';
import type { Alert } from '../../core/messages/model';
import { isConditionFailure } from './table';

/** Times inside a stored alert (`Moment.at`) come back as Dates. */
const revive = (key: string, value: unknown) =>
  key === 'at' && typeof value === 'string' ? new Date(value) : value;

/** How long the time of the latest event about a check, per contact, is kept (DynamoDB TTL). */
const LATEST_KEEP_DAYS = 14;

/** The key of a dataset's snooze item. */
const snoozeKey = (dataset: string) => ({ pk: `SNOOZE#${dataset}`, sk: 'SNOOZE' });
/** A dataset's snooze item, kept a day past its end (DynamoDB TTL). */
const snoozeItem = (dataset: string, until: Date) => ({
  ...snoozeKey(dataset),
  until: until.toISOString(),
  expiresAt: Math.floor(until.getTime() / 1000) + 86_400,
});
const byEventTime = (a: { eventAt: string; sk: string }, b: { eventAt: string; sk: string }) =>
  a.eventAt < b.eventAt ? -1 : a.eventAt > b.eventAt ? 1 : a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0;

/**
 * Messages held by quiet hours (`pk = HELD`, `sk = <releaseAt>#<message key>#<contact>`), the time of
 * the latest event about each check that reached each contact (`pk = LATEST#<checkId>`, `sk = <contact>`),
 * and snoozes set with `stalewatch snooze` (`pk = SNOOZE#<dataset>`), in the state table.
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
            checkId: message.checkId,
            eventAt: message.eventAt,
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
      const held = (answer.Items ?? []).map((item) => ({
        sk: item.sk as string,
        releaseAt: item.releaseAt as string,
        contactId: item.contactId as string,
        checkId: (item.checkId as string | undefined) ?? null,
        // Held before messages carried their event's time: first, in the order they were held.
        eventAt: (item.eventAt as string | undefined) ?? '',
        alert: JSON.parse(item.alert, revive) as Alert,
      }));
      return held.sort(byEventTime).map(({ sk, ...message }) => ({
        ...message,
        done: async () => {
          await doc.send(new DeleteCommand({ TableName: table, Key: { pk: 'HELD', sk } }));
        },
      }));
    },
    async isLatest(checkId: string, contactId: string, eventAt: string): Promise<boolean> {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: `LATEST#${checkId}`, sk: contactId },
            UpdateExpression: 'SET eventAt = :at, expiresAt = :expires',
            // Only ever forward: a message of an earlier event finds a later one here.
            ConditionExpression: 'attribute_not_exists(pk) OR eventAt <= :at',
            ExpressionAttributeValues: {
              ':at': eventAt,
              ':expires': Math.floor(Date.parse(eventAt) / 1000) + LATEST_KEEP_DAYS * 86_400,
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
    async snoozedUntil(dataset: string): Promise<Date | null> {
      const answer = await doc.send(new GetCommand({ TableName: table, Key: snoozeKey(dataset) }));
      return answer.Item?.until ? new Date(answer.Item.until) : null;
    },
    /**
     * Snoozes `dataset` until `until` unless a snooze already runs as long or longer (a conditional
     * write: a repeated click changes nothing); the snooze on record afterwards.
     */
    async extendSnooze(dataset: string, until: Date): Promise<Date> {
      try {
        await doc.send(
          new PutCommand({
            TableName: table,
            Item: snoozeItem(dataset, until),
            ConditionExpression: 'attribute_not_exists(pk) OR #until < :until',
            ExpressionAttributeNames: { '#until': 'until' },
            ExpressionAttributeValues: { ':until': until.toISOString() },
          }),
        );
        return until;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      return (await this.snoozedUntil(dataset)) ?? until;
    },
    async snooze(dataset: string, until: Date): Promise<void> {
      await doc.send(new PutCommand({ TableName: table, Item: snoozeItem(dataset, until) }));
    },
    async clearSnooze(dataset: string): Promise<void> {
      await doc.send(new DeleteCommand({ TableName: table, Key: snoozeKey(dataset) }));
    },
  };
}
