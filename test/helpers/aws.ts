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

/**
 * Sets the environment a function's handler runs with in a service test: the region, the stand-ins'
 * credentials and metrics off, then what the test gives (its endpoints, table, config and log level).
 */
export function setServiceEnv(vars: Record<string, string>): void {
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-2',
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...vars,
  });
}

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

/** What the account stand-ins hold: secrets, SSM parameters, SES and SNS, as `doctor` reads them. */
export interface AccountState {
  /** Secrets Manager secrets by ARN or name: their `SecretString`. */
  secrets: Record<string, string>;
  /** SSM parameters by name. */
  parameters: Record<string, string>;
  /** SES v2 identities (addresses or domains): whether each is verified for sending. */
  identities: Record<string, boolean>;
  sesProductionAccess: boolean;
  /** SNS topics by ARN: the `SubscriptionArn` of each subscription (`PendingConfirmation` until confirmed). */
  topics: Record<string, string[]>;
}

/**
 * One local HTTP server standing in for Secrets Manager (`DescribeSecret`, `GetSecretValue`), SSM
 * (`GetParameter`), SES v2 (`GetAccount`, `GetEmailIdentity`) and SNS (`ListTopics`,
 * `ListSubscriptionsByTopic`, query protocol), each answering from `state` with the real APIs' shapes
 * and not-found errors. Point the SDK at it with `AWS_ENDPOINT_URL_SECRETS_MANAGER`, `_SSM`, `_SESV2`
 * and `_SNS`.
 */
export async function startAccountStandIns(initial: Partial<AccountState> = {}) {
  const state: AccountState = {
    secrets: {},
    parameters: {},
    identities: {},
    sesProductionAccess: false,
    topics: {},
    ...initial,
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const json = (status: number, body: unknown, type = 'application/x-amz-json-1.1', error?: string) =>
        response
          .writeHead(status, { 'content-type': type, ...(error ? { 'x-amzn-errortype': error } : {}) })
          .end(
            JSON.stringify(error ? { __type: error, message: (body as { message: string }).message } : body),
          );
      const target = String(request.headers['x-amz-target'] ?? '');
      if (target.startsWith('secretsmanager.')) {
        const { SecretId } = JSON.parse(raw || '{}') as { SecretId: string };
        const value = state.secrets[SecretId];
        if (value === undefined)
          return json(
            400,
            { message: "Secrets Manager can't find the specified secret." },
            undefined,
            'ResourceNotFoundException',
          );
        return json(
          200,
          target.endsWith('GetSecretValue')
            ? { ARN: SecretId, Name: SecretId, SecretString: value }
            : { ARN: SecretId, Name: SecretId },
        );
      }
      if (target === 'AmazonSSM.GetParameter') {
        const { Name } = JSON.parse(raw || '{}') as { Name: string };
        const value = state.parameters[Name];
        if (value === undefined) return json(400, { message: '' }, undefined, 'ParameterNotFound');
        return json(200, { Parameter: { Name, Type: 'SecureString', Value: value, Version: 1 } });
      }
      if (request.url === '/v2/email/account') {
        return json(
          200,
          { ProductionAccessEnabled: state.sesProductionAccess, SendingEnabled: true },
          'application/json',
        );
      }
      if (request.url?.startsWith('/v2/email/identities/')) {
        const identity = decodeURIComponent(request.url.slice('/v2/email/identities/'.length));
        const verified = state.identities[identity];
        if (verified === undefined)
          return json(
            404,
            { message: `Email identity ${identity} does not exist.` },
            'application/json',
            'NotFoundException',
          );
        return json(
          200,
          {
            IdentityType: identity.includes('@') ? 'EMAIL_ADDRESS' : 'DOMAIN',
            VerifiedForSendingStatus: verified,
          },
          'application/json',
        );
      }
      const form = new URLSearchParams(raw);
      const xml = (action: string, result: string) =>
        response
          .writeHead(200, { 'content-type': 'text/xml' })
          .end(
            `<${action}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>`,
          );
      if (form.get('Action') === 'ListTopics') {
        const members = Object.keys(state.topics).map(
          (arn) => `<member><TopicArn>${arn}</TopicArn></member>`,
        );
        return xml('ListTopics', `<Topics>${members.join('')}</Topics>`);
      }
      if (form.get('Action') === 'ListSubscriptionsByTopic') {
        const arn = form.get('TopicArn') ?? '';
        const members = (state.topics[arn] ?? []).map(
          (s) =>
            `<member><TopicArn>${arn}</TopicArn><Protocol>email</Protocol><SubscriptionArn>${s}</SubscriptionArn><Endpoint>platform@example.org</Endpoint></member>`,
        );
        return xml('ListSubscriptionsByTopic', `<Subscriptions>${members.join('')}</Subscriptions>`);
      }
      json(
        404,
        { message: `not served: ${request.method} ${request.url} ${target}` },
        'application/json',
        'UnknownOperationException',
      );
    });
  });
  const endpoint = await listen(server);
  return {
    endpoint,
    state,
    /** The `AWS_ENDPOINT_URL_*` settings that send the SDK's calls for these services here. */
    env: {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
      AWS_ENDPOINT_URL_SSM: endpoint,
      AWS_ENDPOINT_URL_SESV2: endpoint,
      AWS_ENDPOINT_URL_SNS: endpoint,
    },
    stop: () => close(server),
  };
}
