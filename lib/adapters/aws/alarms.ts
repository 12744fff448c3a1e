import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
} from '@aws-sdk/lib-dynamodb';
import type { AlarmStore } from '../../app/ports';
import type { AlarmState } from '../../core/alarms/news';
import { dynamoStateStore, key as stateKey, stateOfItem } from './dynamo-state';

/** The partition that lists every alarm that has a state (`sk = alarm/<name>`): what the status page reads. */
const ALARMS_PK = 'ALARMS';

/** The check ids (`alarm/<name>`) of every alarm the service has kept a state for: one Query. */
export async function alarmIds(doc: DynamoDBDocumentClient, table: string): Promise<string[]> {
  const ids: string[] = [];
  const pages = paginateQuery(
    { client: doc },
    {
      TableName: table,
      KeyConditionExpression: 'pk = :alarms',
      ExpressionAttributeValues: { ':alarms': ALARMS_PK },
    },
  );
  for await (const page of pages) for (const item of page.Items ?? []) ids.push(String(item.sk));
  return ids;
}

/**
 * Alarm states and reminders in the state table: an alarm's state is a check state
 * (`pk = CHECK#alarm/<name>`, `sk = STATE`), so digests list it with the datasets; a reminder is
 * `pk = REMIND`, `sk = <due time>#<check id>`, which the notify schedule reads with one Query; and
 * `pk = ALARMS`, `sk = <check id>` lists the alarms that have a state, for the status page. Only
 * GetItem, PutItem, Query and DeleteItem: what notify's role already has.
 */
export function dynamoAlarmStore(client: DynamoDBClient, table: string): AlarmStore {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const states = dynamoStateStore(client, table);
  return {
    async load(checkId) {
      const answer = await doc.send(
        new GetCommand({
          TableName: table,
          Key: stateKey(checkId),
          ConsistentRead: true,
        }),
      );
      if (!answer.Item) return null;
      // The alarm's own fields (`alarm`, `news`) are kept as written: only the state's times are parsed.
      return stateOfItem(answer.Item) as unknown as AlarmState;
    },
    async save(state, expectedVersion) {
      // Listed first, so that every alarm with a state is in the list the status page reads (an entry
      // whose state write then loses is harmless: it is the same alarm, written by whoever won).
      await doc.send(new PutCommand({ TableName: table, Item: { pk: ALARMS_PK, sk: state.checkId } }));
      return states.save(state, expectedVersion, []);
    },
    async remindAt(checkId, at) {
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: { pk: 'REMIND', sk: `${at.toISOString()}#${checkId}`, checkId, dueAt: at.toISOString() },
        }),
      );
    },
    async remindersDue(now) {
      const due: Array<{ checkId: string; dueAt: string; done: () => Promise<void> }> = [];
      const pages = paginateQuery(
        { client: doc },
        {
          TableName: table,
          KeyConditionExpression: 'pk = :remind AND sk <= :now',
          ExpressionAttributeValues: { ':remind': 'REMIND', ':now': `${now.toISOString()}~` },
          ConsistentRead: true,
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          const sk = item.sk as string;
          due.push({
            checkId: item.checkId as string,
            dueAt: item.dueAt as string,
            done: async () => {
              await doc.send(new DeleteCommand({ TableName: table, Key: { pk: 'REMIND', sk } }));
            },
          });
        }
      }
      return due;
    },
  };
}
