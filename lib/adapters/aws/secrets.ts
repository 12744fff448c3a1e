import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { messageOf, SourceSecretError } from '../../core/errors';

/**
 * An RDS-style secret, as RDS and Secrets Manager's rotation templates write it: where the database is
 * and how to log in. `port` may be a number or text; `dbname` and `engine` may be left out.
 */
export const rdsSecretSchema = z.object({
  host: z.string().min(1),
  port: z.coerce.number().int().min(1).max(65_535).optional(),
  username: z.string().min(1),
  password: z.string(),
  dbname: z.string().min(1).optional(),
  engine: z.string().optional(),
});
/** An RDS secret as Secrets Manager keeps it (`rdsSecretSchema`): host, port, user, password, database. */
export type RdsSecret = z.output<typeof rdsSecretSchema>;

/** Reads the RDS-style secret of a source by its ARN. */
export type RdsSecretReader = (source: string, secretArn: string) => Promise<RdsSecret>;

/**
 * The secret's text as an `RdsSecret`, or a `SourceSecretError` that names the fields that are missing
 * or wrong, never their values (the parse error of `JSON.parse` quotes the text, so it is not kept).
 */
export function parseRdsSecret(source: string, text: string | undefined): RdsSecret {
  let data: unknown;
  try {
    data = JSON.parse(text ?? '');
  } catch {
    throw new SourceSecretError(
      source,
      'is not JSON — it must be an RDS-style secret: {"host", "port", "username", "password", "dbname"}',
    );
  }
  const parsed = rdsSecretSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const fields = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? 'the whole secret')))];
  throw new SourceSecretError(
    source,
    `has no usable ${fields.join(', ')} — it must be an RDS-style secret: {"host", "port", "username", "password", "dbname"}`,
  );
}

/**
 * Secrets Manager through the real SDK client (endpoint from `AWS_ENDPOINT_URL_SECRETS_MANAGER` or
 * `AWS_ENDPOINT_URL`, as the SDK reads them). Each reader caches what it read, for as long as it is
 * kept: the functions make one per invocation, so a rotated password is used by the next run.
 */
export function rdsSecretReader(
  client: SecretsManagerClient = new SecretsManagerClient({}),
): RdsSecretReader {
  const cache = new Map<string, Promise<RdsSecret>>();
  return (source, secretArn) => {
    let read = cache.get(secretArn);
    if (!read) {
      read = client.send(new GetSecretValueCommand({ SecretId: secretArn })).then(
        (answer) => parseRdsSecret(source, answer.SecretString),
        (error: unknown) => {
          // The SDK's message says what AWS refused (not found, access denied); it holds no value.
          throw new SourceSecretError(source, `could not be read: ${messageOf(error)}`, { cause: error });
        },
      );
      // A failed read is tried again by the next connection, not remembered.
      read.catch(() => cache.delete(secretArn));
      cache.set(secretArn, read);
    }
    return read;
  };
}
