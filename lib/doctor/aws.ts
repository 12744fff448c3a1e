import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { GetAccountCommand, GetEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { ListSubscriptionsByTopicCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { SourceConfig } from '../config/types';
import { regionOf } from '../sources/rds-data';

/**
 * What `doctor` asks of AWS, as the person running it (their credentials, not the functions' roles).
 * Each call either answers or throws the SDK's error, whose `name` (`ResourceNotFoundException`,
 * `ParameterNotFound`, `AccessDeniedException`…) `doctor` turns into what to do.
 */
export interface DoctorPorts {
  /** One statement through the Data API with the source's ARNs: its rows by column name. */
  execute(source: SourceConfig, sql: string): Promise<Array<Record<string, unknown>>>;
  describeSecret(arn: string): Promise<void>;
  /** The secret's value: only ever looked at, never shown. */
  secretValue(id: string): Promise<string | undefined>;
  parameter(name: string): Promise<string | undefined>;
  sesAccount(): Promise<{ productionAccess: boolean; sendingEnabled: boolean }>;
  /** Whether SES may send from `identity` (an address or a domain). */
  sesIdentityVerified(identity: string): Promise<boolean>;
  /** The ARN of the SNS topic called `name`, or null when there is none in the region. */
  topicArn(name: string): Promise<string | null>;
  /** How many of the topic's subscriptions are confirmed, and how many wait for confirmation. */
  subscriptions(topicArn: string): Promise<{ confirmed: number; pending: number }>;
  close(): void;
}

/**
 * Placeholder credentials when an `AWS_ENDPOINT_URL*` setting points the SDK at a local stand-in and no
 * credentials are configured: the SDK would refuse to sign, and a stand-in does not check.
 */
function standInCredentials(env: Readonly<Record<string, string | undefined>>) {
  const local = Object.keys(env).some((k) => k.startsWith('AWS_ENDPOINT_URL') && env[k]);
  const configured = env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  return local && !configured
    ? { credentials: { accessKeyId: 'stand-in', secretAccessKey: 'stand-in' } }
    : {};
}

/** The SDK clients of `doctor` in `region`; the Data API and secrets use the region of their ARN. */
export function awsDoctorPorts(
  env: Readonly<Record<string, string | undefined>>,
  region: string,
): DoctorPorts {
  const base = { region, maxAttempts: 2, ...standInCredentials(env) };
  const clients = new Map<string, { destroy(): void }>();
  /** One client per service and region, made on first use. */
  const client = <T extends { destroy(): void }>(key: string, make: () => T): T => {
    let made = clients.get(key) as T | undefined;
    if (!made) {
      made = make();
      clients.set(key, made);
    }
    return made;
  };
  const inRegion = (arn: string) => ({ ...base, region: regionOf(arn) ?? region });
  const secrets = (arn: string) =>
    client(`secrets:${inRegion(arn).region}`, () => new SecretsManagerClient(inRegion(arn)));
  const ssm = () => client('ssm', () => new SSMClient(base));
  const ses = () => client('ses', () => new SESv2Client(base));
  const sns = () => client('sns', () => new SNSClient(base));
  return {
    async execute(source, sql) {
      const rds = client(`rds:${source.resourceArn}`, () => new RDSDataClient(inRegion(source.resourceArn)));
      const answer = await rds.send(
        new ExecuteStatementCommand({
          resourceArn: source.resourceArn,
          secretArn: source.secretArn,
          database: source.database,
          sql,
          formatRecordsAs: 'JSON',
        }),
      );
      return JSON.parse(answer.formattedRecords ?? '[]');
    },
    async describeSecret(arn) {
      await secrets(arn).send(new DescribeSecretCommand({ SecretId: arn }));
    },
    async secretValue(id) {
      return (await secrets(id).send(new GetSecretValueCommand({ SecretId: id }))).SecretString;
    },
    async parameter(name) {
      return (await ssm().send(new GetParameterCommand({ Name: name, WithDecryption: true }))).Parameter
        ?.Value;
    },
    async sesAccount() {
      const account = await ses().send(new GetAccountCommand({}));
      return {
        productionAccess: account.ProductionAccessEnabled === true,
        sendingEnabled: account.SendingEnabled !== false,
      };
    },
    async sesIdentityVerified(identity) {
      const answer = await ses().send(new GetEmailIdentityCommand({ EmailIdentity: identity }));
      return answer.VerifiedForSendingStatus === true;
    },
    async topicArn(name) {
      let NextToken: string | undefined;
      do {
        const page = await sns().send(new ListTopicsCommand({ NextToken }));
        const found = page.Topics?.find((t) => t.TopicArn?.split(':').at(-1) === name);
        if (found?.TopicArn) return found.TopicArn;
        NextToken = page.NextToken;
      } while (NextToken);
      return null;
    },
    async subscriptions(TopicArn) {
      const counts = { confirmed: 0, pending: 0 };
      let NextToken: string | undefined;
      do {
        const page = await sns().send(new ListSubscriptionsByTopicCommand({ TopicArn, NextToken }));
        for (const s of page.Subscriptions ?? []) {
          if (s.SubscriptionArn === 'PendingConfirmation') counts.pending++;
          else counts.confirmed++;
        }
        NextToken = page.NextToken;
      } while (NextToken);
      return counts;
    },
    close() {
      for (const c of clients.values()) c.destroy();
    },
  };
}
