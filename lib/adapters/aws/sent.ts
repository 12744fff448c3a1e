import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SentRecord } from '../../app/ports';
import { isConditionFailure } from './table';

/** Sent records expire after this many days (DynamoDB TTL). */
const KEEP_DAYS = 14;

const expiresAt = (at: Date) => Math.floor(at.getTime() / 1000) + KEEP_DAYS * 86_400;

/**
 * The `SentRecord` port on the state table (`SENT#<key>` items, expiring after `KEEP_DAYS`): claims are
 * conditional writes, so two notify invocations of one event send each message once.
 */
export function dynamoSentRecord(client: DynamoDBClient, table: string): SentRecord {
  const doc = DynamoDBDocumentClient.from(client);
  const key = (k: string, delivery: string) => ({ pk: `SENT#${k}`, sk: delivery });
  return {
    async claim(k, delivery, now, leaseUntil) {
      const token = randomUUID();
      try {
        await doc.send(
          new PutCommand({
            TableName: table,
            Item: {
              ...key(k, delivery),
              claimedBy: token,
              leaseUntil: leaseUntil.toISOString(),
              expiresAt: expiresAt(leaseUntil),
            },
            // A sent record has no `leaseUntil`: only a claim that has lapsed can be taken over.
            ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now',
            ExpressionAttributeValues: { ':now': now.toISOString() },
          }),
        );
        return { status: 'claimed', token };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const { Item: item } = await doc.send(
        new GetCommand({ TableName: table, Key: key(k, delivery), ConsistentRead: true }),
      );
      if (item && !item.leaseUntil) return { status: 'sent' };
      // Released between the two calls (no item): busy until now, so the caller claims again.
      return { status: 'busy', leaseUntil: item ? new Date(item.leaseUntil) : now };
    },
    async markSent(k, delivery, at, signal) {
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: { ...key(k, delivery), sentAt: at.toISOString(), expiresAt: expiresAt(at) },
        }),
        { abortSignal: signal },
      );
    },
    async release(k, delivery, token) {
      try {
        await doc.send(
          new DeleteCommand({
            TableName: table,
            Key: key(k, delivery),
            ConditionExpression: 'claimedBy = :token',
            ExpressionAttributeValues: { ':token': token },
          }),
        );
      } catch (error) {
        // The claim is no longer ours (it lapsed and was taken over): nothing to give back.
        if (!isConditionFailure(error)) throw error;
      }
    },
  };
}
