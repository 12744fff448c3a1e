/**
 * The state table's keys: declared once, used by `serverless.yml` (through `serverless/config.js`),
 * the tests and the demo.
 */
export const STATE_TABLE_KEYS = {
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' as const },
    { AttributeName: 'sk', AttributeType: 'S' as const },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' as const },
    { AttributeName: 'sk', KeyType: 'RANGE' as const },
  ],
};

/** The attribute DynamoDB's TTL reads on history items (epoch seconds). */
export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * Whether a write was refused by its `ConditionExpression`: the outcome a conditional write expects
 * (a claim already taken, a snooze already longer), not a fault. Read by name, as the SDK's error
 * class can come from another copy of the client.
 */
export const isConditionFailure = (error: unknown): boolean =>
  (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
