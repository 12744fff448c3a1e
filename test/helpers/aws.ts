import { createServer, request as httpRequest } from 'node:http';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { STATE_TABLE_KEYS } from '../../lib/adapters/aws/table';
import { close, listen, TEST_CREDENTIALS } from '../../tools/stand-ins/event-recorder';

export {
  type RecordedEvent,
  seededRandom,
  startEventRecorder,
  TEST_CREDENTIALS,
} from '../../tools/stand-ins/event-recorder';

/** An in-process DynamoDB (dynalite) and a real client pointed at it. */
export async function startDynamo() {
  const server = dynalite({ createTableMs: 0 });
  const endpoint = await listen(server);
  const client = new DynamoDBClient({ endpoint, region: 'eu-west-2', credentials: TEST_CREDENTIALS });
  return {
    endpoint,
    client,
    async createTable(name: string) {
      await client.send(
        new CreateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST', ...STATE_TABLE_KEYS }),
      );
    },
    stop: () => close(server),
  };
}

/** One DynamoDB request as the proxy saw it: the operation (`PutItem`…) and its JSON body. */
export interface DynamoRequest {
  operation: string;
  body: Record<string, unknown>;
}

/**
 * A proxy in front of a local DynamoDB that answers the requests `throttle` picks as DynamoDB does when
 * it throttles (400, alternately `ThrottlingException` and `ProvisionedThroughputExceededException`),
 * and passes every other request on.
 */
export async function startThrottlingProxy(target: string) {
  const state = { throttle: (_request: DynamoRequest) => false, throttled: 0 };
  const names = ['ThrottlingException', 'ProvisionedThroughputExceededException'];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      if (state.throttle({ operation, body: JSON.parse(raw.toString('utf8') || '{}') })) {
        const name = names[state.throttled++ % names.length];
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        return response.end(
          JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${name}`, message: 'injected' }),
        );
      }
      const onward = httpRequest(
        `${target}${request.url}`,
        { method: request.method, headers: request.headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(response);
        },
      );
      onward.on('error', (error) => response.writeHead(502).end(error.message));
      onward.end(raw);
    });
  });
  const endpoint = await listen(server);
  return { endpoint, state, stop: () => close(server) };
}
/**
 * A local Secrets Manager answering `GetSecretValue` (awsJson1.1, `X-Amz-Target:
 * secretsmanager.GetSecretValue`) from `secrets` (ARN → value, kept as JSON text), and
 * `ResourceNotFoundException` for any other id, as the service does. `reads` lists the ids asked for.
 */
export async function startSecretsManager(secrets: Record<string, unknown> = {}) {
  const state = { secrets, reads: [] as string[] };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { SecretId?: string };
      const reply = (status: number, answer: unknown) =>
        response
          .writeHead(status, { 'content-type': 'application/x-amz-json-1.1' })
          .end(JSON.stringify(answer));
      if (request.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue')
        return reply(400, { __type: 'UnknownOperationException', message: 'not served here' });
      const id = body.SecretId ?? '';
      state.reads.push(id);
      if (!(id in state.secrets))
        return reply(400, {
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret.",
        });
      const value = state.secrets[id];
      reply(200, {
        ARN: id,
        Name: id.split(':').pop(),
        SecretString: typeof value === 'string' ? value : JSON.stringify(value),
        VersionId: 'v1',
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 1_700_000_000,
      });
    });
  });
  const endpoint = await listen(server);
  return { endpoint, state, stop: () => close(server) };
}
