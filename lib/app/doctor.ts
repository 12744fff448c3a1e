import { type Finding, ok, toDo } from '../core/doctor/findings';
import { roleFindings, roleStatement } from '../core/doctor/role';
import { messageOf } from '../core/errors';
import type { Config, SecretRef, SourceConfig } from '../core/model/config';
import type { DoctorPorts } from './ports';

/** The service's name in serverless.yml: its resources are named `<service>-<stage>-…`. */
export const SERVICE = 'stalewatch';

/** Which deployment doctor looks at: the stage's resources, in the region. */
export interface DoctorOptions {
  stage: string;
  region: string;
}

/** The SNS topic the stack's alarms go to (serverless.yml `AlarmTopic`). */
export const alarmTopicName = (stage: string) => `${SERVICE}-${stage}-alarms`;
/** The SSM parameter that holds the sender address of emails (serverless.yml, notify and digest). */
export const emailFromParameter = (stage: string) => `/${SERVICE}/${stage}/email-from`;

const nameOf = (error: unknown) => (error as { name?: string } | undefined)?.name ?? 'Error';
const isNotFound = (error: unknown) => /NotFound/.test(nameOf(error));
const isDenied = (error: unknown) =>
  /AccessDenied|Forbidden|UnrecognizedClient|InvalidClientTokenId|AuthorizationError/.test(nameOf(error));
/** An AWS error in one line (the adapter has taken quoted values and passwords out). */
const said = (error: unknown) => `${nameOf(error)}: ${messageOf(error).split('\n')[0]}`;

/**
 * Checks what a deployment needs, each finding `ok` or what to do (SPEC.md "CLI", `doctor`): per source,
 * the secret and the Data API and the database role; the secrets that contacts name; SES when a
 * contact has an email address; the alarm topic's subscribers. Nothing is changed anywhere.
 */
export async function runDoctor(
  config: Config,
  ports: DoctorPorts,
  options: DoctorOptions,
): Promise<Finding[]> {
  const sources = await Promise.all(
    Object.values(config.settings.sources).map((source) => sourceFindings(config, source, ports)),
  );
  const contacts = await Promise.all(
    Object.values(config.settings.contacts).flatMap((contact) =>
      Object.entries(contact)
        .filter((entry): entry is [string, SecretRef] => isSecretRef(entry[1]))
        .map(([channel, ref]) => referenceFinding(`contact ${contact.id}`, channel, ref, ports)),
    ),
  );
  const email = await emailFindings(config, ports, options);
  const alarms = await alarmTopicFindings(ports, options);
  return [...sources.flat(), ...contacts, ...email, ...alarms];
}

const isSecretRef = (value: unknown): value is SecretRef =>
  typeof value === 'object' &&
  value !== null &&
  ((value as SecretRef).store === 'ssm' || (value as SecretRef).store === 'secret') &&
  typeof (value as SecretRef).name === 'string';

async function sourceFindings(config: Config, source: SourceConfig, ports: DoctorPorts): Promise<Finding[]> {
  const subject = `source ${source.name}`;
  if (source.unsetVariables.length > 0) {
    return [
      toDo(
        subject,
        `set ${source.unsetVariables.join(', ')} in the environment (its resourceArn, secretArn or database), as for sls deploy, then run doctor again`,
      ),
    ];
  }
  const findings = [await secretFinding(subject, source, ports)];
  if (source.connection === 'direct') {
    // Reached from the functions inside the VPC: no path from here to check its role.
    findings.push(
      ok(
        subject,
        'a direct source, reached from the functions inside the VPC: its database role is checked by the first dry run after deploying (sls invoke -f check --data \'{"dryRun":true}\'), not from here',
      ),
    );
    return findings;
  }
  try {
    await ports.execute(source, 'SELECT 1 AS answer');
    findings.push(ok(subject, `the Data API answers on ${source.resourceArn} (database ${source.database})`));
  } catch (error) {
    findings.push(toDo(subject, dataApiAdvice(source, error)));
    findings.push(toDo(subject, 'the database role is not checked until the Data API answers'));
    return findings;
  }
  const tables = [...new Set(config.datasets.filter((d) => d.source === source.name).map((d) => d.table))];
  try {
    const [row] = await ports.execute(source, roleStatement(source, tables));
    findings.push(...roleFindings(source, tables, row ?? {}));
  } catch (error) {
    findings.push(toDo(subject, `the database role could not be read from the catalog: ${said(error)}`));
  }
  return findings;
}

async function secretFinding(subject: string, source: SourceConfig, ports: DoctorPorts): Promise<Finding> {
  const arn = source.secretArn;
  try {
    await ports.describeSecret(arn);
    const fields = await ports.secretFields(arn);
    const needed =
      source.connection === 'direct'
        ? ['host', 'username', 'password', ...(source.database ? [] : ['dbname'])]
        : ['username', 'password'];
    const missing = needed.filter((f) => !fields?.includes(f));
    if (source.connection === 'direct' && missing.length > 0) {
      return toDo(
        subject,
        `the secret ${arn} lacks ${missing.map((f) => `"${f}"`).join(', ')}: a direct source's secret is RDS-style JSON (host, port, username, password, dbname), as RDS writes it when it manages the password`,
      );
    }
    if (missing.length > 0) {
      return toDo(
        subject,
        `the secret ${arn} is not JSON with "username" and "password", which the Data API needs; store it as: aws secretsmanager put-secret-value --secret-id ${arn} --secret-string '{"username":"stalewatch_monitor","password":"…"}'`,
      );
    }
    return ok(
      subject,
      `the secret ${arn} is readable and holds ${needed.length > 2 ? needed.join(', ') : 'a username and password'}`,
    );
  } catch (error) {
    if (isNotFound(error)) {
      return toDo(
        subject,
        `there is no secret ${arn}; create it with the monitor role's login: aws secretsmanager create-secret --name <name> --secret-string '{"username":"stalewatch_monitor","password":"…"}', and put its ARN in secretArn`,
      );
    }
    if (isDenied(error)) {
      return toDo(
        subject,
        `your AWS credentials may not read the secret ${arn} (${nameOf(error)}); run doctor with a role allowed secretsmanager:DescribeSecret and GetSecretValue on it`,
      );
    }
    return toDo(subject, `the secret ${arn} could not be read: ${said(error)}`);
  }
}

/** What to do when `SELECT 1` through the Data API fails, by what the error says. */
function dataApiAdvice(source: SourceConfig, error: unknown): string {
  const text = messageOf(error);
  if (/HttpEndpoint is not enabled|Data API is not enabled/i.test(text)) {
    return `the Data API is not enabled on ${source.resourceArn}; turn it on: aws rds enable-http-endpoint --resource-arn ${source.resourceArn}`;
  }
  if (isDenied(error)) {
    return `your AWS credentials may not call the Data API on ${source.resourceArn} (${nameOf(error)}); allow rds-data:ExecuteStatement on the cluster and secretsmanager:GetSecretValue on the secret`;
  }
  if (/password authentication failed|Access denied for user/i.test(text)) {
    return `the username and password in ${source.secretArn} do not log in to the database; put the monitor role's login in the secret (docs/deploy.md)`;
  }
  if (/database .* does not exist|Unknown database/i.test(text)) {
    return `there is no database "${source.database}" on ${source.resourceArn}; correct the source's database:`;
  }
  return `the Data API did not answer SELECT 1 on ${source.resourceArn}: ${said(error)}`;
}

async function referenceFinding(
  subject: string,
  channel: string,
  ref: SecretRef,
  ports: DoctorPorts,
): Promise<Finding> {
  const where = `${ref.store}:${ref.name}`;
  try {
    await ports.checkReference(ref, channel);
    return ok(subject, `its ${channel} webhook in ${where} is readable and holds an https URL`);
  } catch (error) {
    if (isNotFound(error)) {
      const put =
        ref.store === 'ssm'
          ? `aws ssm put-parameter --name ${ref.name} --type SecureString --value '<the webhook URL>'`
          : `aws secretsmanager create-secret --name ${ref.name} --secret-string '<the webhook URL>'`;
      return toDo(subject, `there is no ${where} for its ${channel} webhook; create it: ${put}`);
    }
    if (isDenied(error)) {
      return toDo(subject, `your AWS credentials may not read ${where} (${nameOf(error)})`);
    }
    if (nameOf(error) === 'WebhookSecretError') {
      return toDo(subject, `${messageOf(error)}: aws ssm put-parameter --overwrite --name ${ref.name} …`);
    }
    return toDo(subject, `its ${channel} webhook in ${where} could not be read: ${said(error)}`);
  }
}

async function emailFindings(config: Config, ports: DoctorPorts, options: DoctorOptions): Promise<Finding[]> {
  const subject = 'email (SES)';
  const emailed = Object.values(config.settings.contacts).filter((c) => c.email);
  if (emailed.length === 0) return [ok(subject, 'no contact has an email address, so SES is not used')];
  const parameter = emailFromParameter(options.stage);
  let from: string | undefined;
  try {
    from = (await ports.plainParameter(parameter))?.trim();
  } catch (error) {
    if (!isNotFound(error))
      return [toDo(subject, `the sender address in ssm:${parameter} could not be read: ${said(error)}`)];
  }
  const findings: Finding[] = [];
  if (!from) {
    findings.push(
      toDo(
        subject,
        `there is no sender address; set it: aws ssm put-parameter --name ${parameter} --type String --value stalewatch@your-domain.example`,
      ),
    );
  } else {
    findings.push(await identityFinding(subject, from, ports, options));
  }
  try {
    const account = await ports.sesAccount();
    if (!account.sendingEnabled) {
      findings.push(
        toDo(
          subject,
          `sending is paused for the SES account in ${options.region}; see the SES console's reputation page`,
        ),
      );
    }
    findings.push(
      account.productionAccess
        ? ok(subject, `the SES account in ${options.region} is out of the sandbox and may send to anyone`)
        : toDo(
            subject,
            `the SES account in ${options.region} is in the sandbox: it sends only to verified addresses, so ${emailed.length === 1 ? '1 contact' : `${emailed.length} contacts`} with an email address would get nothing unless verified too; ask for production access: aws sesv2 put-account-details --production-access-enabled --mail-type TRANSACTIONAL --website-url https://… --use-case-description 'Alerts to data owners when a dataset goes stale'`,
          ),
    );
  } catch (error) {
    findings.push(toDo(subject, `the SES account could not be read: ${said(error)}`));
  }
  return findings;
}

async function identityFinding(
  subject: string,
  from: string,
  ports: DoctorPorts,
  options: DoctorOptions,
): Promise<Finding> {
  const domain = from.split('@')[1] ?? from;
  for (const identity of [from, domain]) {
    try {
      return (await ports.sesIdentityVerified(identity))
        ? ok(subject, `the sender ${from} is verified in SES (${identity})`)
        : toDo(
            subject,
            `the SES identity ${identity} is not verified yet; click the link SES emailed to ${from}, or publish the DKIM records of: aws sesv2 get-email-identity --email-identity ${identity}`,
          );
    } catch (error) {
      if (!isNotFound(error))
        return toDo(subject, `the SES identity ${identity} could not be read: ${said(error)}`);
    }
  }
  return toDo(
    subject,
    `the sender ${from} is not an SES identity in ${options.region}; verify the address or its domain: aws sesv2 create-email-identity --email-identity ${domain}`,
  );
}

async function alarmTopicFindings(ports: DoctorPorts, options: DoctorOptions): Promise<Finding[]> {
  const subject = 'alarm topic';
  const name = alarmTopicName(options.stage);
  const subscribe = (arn: string) =>
    `aws sns subscribe --topic-arn ${arn} --protocol email --notification-endpoint platform-team@your-domain.example, then confirm from the email`;
  try {
    const arn = await ports.topicArn(name);
    if (!arn) {
      return [
        toDo(
          subject,
          `there is no topic ${name} in ${options.region} yet: sls deploy --stage ${options.stage} creates it; then ${subscribe(`arn:aws:sns:${options.region}:<account>:${name}`)}`,
        ),
      ];
    }
    const { confirmed, pending } = await ports.subscriptions(arn);
    if (confirmed > 0)
      return [ok(subject, `${name} has ${confirmed} confirmed subscriber${confirmed === 1 ? '' : 's'}`)];
    return [
      toDo(
        subject,
        pending > 0
          ? `${name} has ${pending} subscription${pending === 1 ? '' : 's'} waiting for confirmation and none confirmed: open the confirmation email SNS sent`
          : `nobody hears the service's own alarms: ${subscribe(arn)}`,
      ),
    ];
  } catch (error) {
    return [toDo(subject, `the topic ${name} could not be read: ${said(error)}`)];
  }
}
