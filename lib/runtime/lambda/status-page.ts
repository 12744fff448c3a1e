import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { s3StatusPage } from '../../adapters/aws/status-bucket';
import { dynamoStatusState } from '../../adapters/aws/status-state';
import { statusPageOfState } from '../../app/status-page';
import type { Config } from '../../core/model/config';

/**
 * After a run of the deployed service: the page of every dataset from the state table (states and 30
 * days of history), written as `index.html` to the stack's private bucket. Each source's run writes it
 * whole, from the state as it is once that run is recorded.
 */
export async function writeStatusPage(
  config: Config,
  now: Date,
  dynamodb: DynamoDBClient,
  table: string,
  s3: S3Client,
  bucket: string,
): Promise<void> {
  const html = await statusPageOfState(config, now, dynamoStatusState(dynamodb, table));
  await s3StatusPage(s3, bucket)(html);
}
