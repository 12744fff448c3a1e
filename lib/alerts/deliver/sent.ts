import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';

/**
 * Which messages a channel has accepted, in the state table (`pk = SENT#<message key>`,
 * `sk = <contact>#<channel>#<part>`): written only after the channel accepted the message, and read
 * before sending, so a redelivered event sends nothing twice.
 */
export interface SentRecord {
  wasSent(key: string, delivery: string): Promise<boolean>;
  markSent(key: string, delivery: string, at: Date): Promise<void>;
}

/** Sent records expire after this many days (DynamoDB TTL). */
const KEEP_DAYS = 14;

export function dynamoSentRecord(client: DynamoDBClient, table: string): SentRecord {
  const doc = DynamoDBDocumentClient.from(client);
  return {
    async wasSent(key, delivery) {
      const answer = await doc.send(
        new GetCommand({ TableName: table, Key: { pk: `SENT#${key}`, sk: delivery }, ConsistentRead: true }),
      );
      return answer.Item !== undefined;
    },
    async markSent(key, delivery, at) {
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: {
            pk: `SENT#${key}`,
            sk: delivery,
            sentAt: at.toISOString(),
            expiresAt: Math.floor(at.getTime() / 1000) + KEEP_DAYS * 86_400,
          },
        }),
      );
    },
  };
}
