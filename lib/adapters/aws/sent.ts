import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';

/** What a claim on one message found: it is now ours to send, a channel already has it, or another invocation is sending it. */
export type Claim =
  | { status: 'claimed'; token: string }
  | { status: 'sent' }
  | { status: 'busy'; leaseUntil: Date };

/**
 * Which messages are being sent and which a channel has accepted, in the state table
 * (`pk = SENT#<message key>`, `sk = <contact>#<channel>#<part>`). A message is claimed (a conditional
 * write) before it is sent and recorded once the channel accepts it, so that of two invocations sending
 * the same message only one sends it. A claim lapses at `leaseUntil`, after which another invocation may
 * take it over: that is how a message whose sender crashed before sending is still delivered.
 */
export interface SentRecord {
  /** Claims a message until `leaseUntil`, unless it was sent or another claim on it still holds at `now`. */
  claim(key: string, delivery: string, now: Date, leaseUntil: Date): Promise<Claim>;
  /**
   * Records that a channel accepted the message (whoever holds the claim: it was sent). `signal` stops
   * the write (and the client's retries) when the invocation has no time left for it.
   */
  markSent(key: string, delivery: string, at: Date, signal?: AbortSignal): Promise<void>;
  /** Gives up a claim after the channel refused the message, so that a retry can send it at once. */
  release(key: string, delivery: string, token: string): Promise<void>;
}

/** Sent records expire after this many days (DynamoDB TTL). */
const KEEP_DAYS = 14;

const isConditionFailure = (error: unknown) =>
  (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
const expiresAt = (at: Date) => Math.floor(at.getTime() / 1000) + KEEP_DAYS * 86_400;

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
