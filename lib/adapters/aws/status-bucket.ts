import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { StatusPageSink } from '../../app/ports';
import { STATUS_PAGE_FILE } from '../../core/status-page';

/**
 * Writes the page as `index.html` in the stack's private bucket (the function may put that one key and
 * nothing else). Short caching, so a CDN in front shows a run's page within a minute.
 */
export function s3StatusPage(client: S3Client, bucket: string): StatusPageSink {
  return async (html) => {
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: STATUS_PAGE_FILE,
        Body: html,
        ContentType: 'text/html; charset=utf-8',
        CacheControl: 'max-age=60',
      }),
    );
  };
}
