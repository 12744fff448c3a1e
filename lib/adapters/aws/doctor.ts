import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { GetAccountCommand, GetEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { ListSubscriptionsByTopicCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { DoctorPorts } from '../../app/ports';
import type { SecretRef } from '../../core/model/config';
import { webhookUrl } from '../slack/webhook';
import { redactUrlsIn, scrubQuotedValues } from '../sql/scrub';
import { teamsWebhookUrl } from '../teams/webhook';
import { regionOf } from './rds-data';
import { standInCredentials } from './stand-in';

/**
 * The same error, named as the SDK named it, with every quoted value and password taken out of its
 * message: what doctor prints must carry no secret, whatever a service put in its words.
 */
function cleaned(error: unknown): Error {
  const clean = new Error(scrubQuotedValues(redactUrlsIn((error as Error)?.message ?? String(error))), {
    cause: error,
  });
  clean.name = (error as Error)?.name ?? 'Error';
  return clean;
}

/** Every method of `ports` throwing `cleaned` errors. */
function withCleanErrors(ports: DoctorPorts): DoctorPorts {
  const wrap =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (error) {
        // A WebhookSecretError already says what is wrong without the value.
        throw (error as Error)?.name === 'WebhookSecretError' ? error : cleaned(error);
      }
    };
  return {
    execute: wrap(ports.execute),
    describeSecret: wrap(ports.describeSecret),
    secretFields: wrap(ports.secretFields),
    checkReference: wrap(ports.checkReference),
    plainParameter: wrap(ports.plainParameter),
    sesAccount: wrap(ports.sesAccount),
    sesIdentityVerified: wrap(ports.sesIdentityVerified),
    topicArn: wrap(ports.topicArn),
    subscriptions: wrap(ports.subscriptions),
    close: ports.close,
  };
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
  const secretValue = async (id: string) =>
    (await secrets(id).send(new GetSecretValueCommand({ SecretId: id }))).SecretString;
  const parameter = async (name: string) =>
    (await ssm().send(new GetParameterCommand({ Name: name, WithDecryption: true }))).Parameter?.Value;
  return withCleanErrors({
    async execute(source, sql) {
      const cluster = source.resourceArn ?? '';
      const rds = client(`rds:${cluster}`, () => new RDSDataClient(inRegion(cluster)));
      const answer = await rds.send(
        new ExecuteStatementCommand({
          resourceArn: cluster,
          secretArn: source.secretArn,
          ...(source.database ? { database: source.database } : {}),
          sql,
          formatRecordsAs: 'JSON',
        }),
      );
      return JSON.parse(answer.formattedRecords ?? '[]');
    },
    async describeSecret(arn) {
      await secrets(arn).send(new DescribeSecretCommand({ SecretId: arn }));
    },
    async secretFields(arn) {
      try {
        const fields = JSON.parse((await secretValue(arn)) ?? '') as Record<string, unknown>;
        return Object.keys(fields).filter((k) => typeof fields[k] === 'string' && fields[k] !== '');
      } catch (error) {
        if (error instanceof SyntaxError) return null;
        throw error;
      }
    },
    async checkReference(ref: SecretRef, channel: string) {
      const value = (ref.store === 'ssm' ? await parameter(ref.name) : await secretValue(ref.name)) ?? '';
      if (channel === 'slack') webhookUrl(ref, value);
      else if (channel === 'teams') teamsWebhookUrl(ref, value);
      else if (!value) throw new Error(`${ref.store}:${ref.name} is empty`);
    },
    plainParameter: parameter,
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
  });
}
