import { randomBytes } from 'node:crypto';
import { openBackend } from '../../tools/data-api/backends';
import { startDataApi } from '../../tools/data-api/server';
import { startAccountStandIns } from '../helpers/aws';
import { stalewatchAsync } from '../helpers/cli';
import {
  MYSQL_URL,
  monitorRole,
  mysqlScratch,
  POSTGRES_URL,
  postgresScratch,
  type ScratchDatabase,
} from '../helpers/databases';
import { placementsOver, SETTINGS, writeTree } from '../helpers/tree';

// Each step runs the real CLI, once or twice: generous on a loaded machine.
jest.setTimeout(240_000);

const CLUSTER = 'arn:aws:rds:eu-west-2:123456789012:cluster:tis';
const SECRET = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:tis';
const TOPIC = 'arn:aws:sns:eu-west-2:123456789012:stalewatch-prod-alarms';
const PASSWORD = 'pw-7f3kq-never-shown';
const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/never-shown-either';

/** A checks tree over the scratch database: one source, a Slack contact and an emailed one. */
function checksOver(db: ScratchDatabase) {
  const database = db.dialect === 'mysql' ? db.namespace : new URL(db.url).pathname.slice(1);
  const settings = SETTINGS.replace('engine: postgres', `engine: ${db.dialect}`)
    .replace('database: tis', `database: ${database}`)
    .replace('audience: platform', 'audience: platform\n    email: platform@example.org');
  return writeTree({ 'stalewatch.yml': settings, 'placements.yml': placementsOver(db.namespace) });
}

/** Everything the deployment needs, in place. */
const provisioned = () => ({
  secrets: { [SECRET]: JSON.stringify({ username: 'stalewatch_monitor', password: PASSWORD }) },
  parameters: {
    '/stalewatch/slack/placements': WEBHOOK,
    '/stalewatch/prod/email-from': 'stalewatch@example.org',
  },
  identities: { 'example.org': true },
  sesProductionAccess: true,
  topics: { [TOPIC]: [`${TOPIC}:1a2b`] },
});

/** A login that can write the watched table: what the docs tell people not to give Stalewatch. */
async function writerRole(db: ScratchDatabase) {
  const role = `sw_writer_${randomBytes(4).toString('hex')}`;
  const url = new URL(db.url);
  url.username = role;
  url.password = 'change-me';
  if (db.dialect === 'mysql') {
    await db.exec(`CREATE USER '${role}'@'%' IDENTIFIED BY 'change-me'`);
    await db.exec(`GRANT SELECT, INSERT, UPDATE ON ${db.namespace}.placement TO '${role}'@'%'`);
    url.pathname = `/${db.namespace}`;
    return { url: url.toString(), drop: () => db.exec(`DROP USER '${role}'@'%'`) };
  }
  await db.exec(`CREATE ROLE ${role} LOGIN PASSWORD 'change-me'`);
  await db.exec(`GRANT USAGE ON SCHEMA ${db.namespace} TO ${role}`);
  await db.exec(`GRANT SELECT, INSERT, UPDATE ON ${db.namespace}.placement TO ${role}`);
  return { url: url.toString(), drop: () => db.exec(`DROP OWNED BY ${role}; DROP ROLE ${role}`) };
}

/** Runs `stalewatch doctor --stage prod` with the SDK pointed at the stand-ins, the Data API over `login`. */
async function doctor(checks: string, account: { env: Record<string, string> }, login: string) {
  const backend = await openBackend(login);
  const api = await startDataApi(backend);
  try {
    return await stalewatchAsync(['doctor', '--stage', 'prod', '--checks', checks], {
      ...account.env,
      AWS_ENDPOINT_URL_RDS_DATA: api.url,
      AWS_REGION: 'eu-west-2',
    });
  } finally {
    await api.stop();
    await backend.close();
  }
}

const postgres = POSTGRES_URL;
const mysql = MYSQL_URL;
const servers: Array<[string, () => Promise<ScratchDatabase>]> = [
  ...(postgres
    ? [['PostgreSQL', () => postgresScratch(postgres)] as [string, () => Promise<ScratchDatabase>]]
    : []),
  ...(mysql
    ? [['MySQL (MariaDB)', () => mysqlScratch(mysql)] as [string, () => Promise<ScratchDatabase>]]
    : []),
];

(servers.length > 0
  ? describe.each(servers)
  : describe.skip.each([['(no server)', () => postgresScratch('')]] as typeof servers))(
  'npx stalewatch doctor on %s through the Data API',
  (_engine, scratch) => {
    let db: ScratchDatabase;
    let checks: string;
    beforeAll(async () => {
      db = await scratch();
      await db.exec(`CREATE TABLE ${db.namespace}.placement (id int, last_modified timestamp NULL)`);
      checks = checksOver(db);
    });
    afterAll(() => db.drop());

    it('says ok on every line, exit 0, with the monitor role of the docs and everything in place', async () => {
      // Prepare
      const role = await monitorRole(db);
      const account = await startAccountStandIns(provisioned());
      // Act
      const { code, stdout, stderr } = await doctor(checks, account, role.url);
      await account.stop();
      await role.drop();
      // Assess
      expect(stderr).toBe('');
      expect(
        stdout
          .trimEnd()
          .split('\n')
          .filter((l) => !l.startsWith('ok ')),
      ).toEqual([]);
      expect(stdout).toContain(`the Data API answers on ${CLUSTER}`);
      expect(stdout).toMatch(/can read \S*placement and cannot write it/);
      expect(stdout).toContain(
        'contact placements-lead: its slack webhook in ssm:/stalewatch/slack/placements',
      );
      expect(stdout).toContain('the sender stalewatch@example.org is verified in SES');
      expect(stdout).toContain('stalewatch-prod-alarms has 1 confirmed subscriber');
      expect(stdout).not.toContain(PASSWORD);
      expect(stdout).not.toContain('never-shown');
      expect(code).toBe(0);
    });

    it('names what to revoke when the secret logs in as a role that can write, exit 1', async () => {
      // Prepare
      const writer = await writerRole(db);
      const account = await startAccountStandIns(provisioned());
      // Act
      const { code, stdout } = await doctor(checks, account, writer.url);
      await account.stop();
      await writer.drop();
      // Assess
      const toDo = stdout.split('\n').filter((l) => l.startsWith('to do'));
      expect(toDo.join('\n')).toMatch(
        /can write \S*placement; run: REVOKE|may INSERT, UPDATE on \S*placement; run: REVOKE/,
      );
      if (db.dialect === 'postgres') {
        expect(stdout).toMatch(
          /to do {2}source tis: role \w+ may start transactions that write; run: ALTER ROLE \w+ SET default_transaction_read_only = on;/,
        );
        expect(stdout).toMatch(/no statement timeout.*ALTER ROLE \w+ SET statement_timeout = '30s';/);
      }
      expect(stdout).toContain('ok     alarm topic');
      expect(code).toBe(1);
    });
  },
);

describe('npx stalewatch doctor with nothing yet in the account', () => {
  it('gives a to-do line with the command for the secret, webhook, sender, sandbox and topic, and never a secret', async () => {
    // Prepare: the Data API answers (over the embedded database) but nothing else exists.
    const checks = writeTree({
      'stalewatch.yml': SETTINGS.replace(
        'audience: platform',
        'audience: platform\n    email: platform@example.org',
      ),
      'placements.yml': placementsOver('public'),
    });
    const account = await startAccountStandIns({ identities: {} });
    // Act
    const { code, stdout } = await doctor(checks, account, 'pglite:');
    await account.stop();
    // Assess
    expect(stdout).toContain(`to do  source tis: there is no secret ${SECRET}`);
    expect(stdout).toContain('aws ssm put-parameter --name /stalewatch/slack/placements --type SecureString');
    expect(stdout).toContain('aws ssm put-parameter --name /stalewatch/prod/email-from');
    expect(stdout).toContain('is in the sandbox');
    expect(stdout).toContain(
      'there is no topic stalewatch-prod-alarms in eu-west-2 yet: sls deploy --stage prod creates it',
    );
    expect(stdout).toMatch(/to do {2}source tis: table public\.placement does not exist/);
    expect(code).toBe(1);
  });
});

describe('npx stalewatch doctor on a Teams contact', () => {
  it('checks the Teams webhook as Slack’s: readable, an https URL, never shown', async () => {
    // Prepare: the platform team's Teams parameter holds the URL without its scheme.
    const checks = writeTree({
      'stalewatch.yml': SETTINGS.replace(
        'audience: platform',
        'audience: platform\n    teams: ${ssm:/stalewatch/teams/platform}',
      ),
      'placements.yml': placementsOver('public'),
    });
    const account = await startAccountStandIns({
      ...provisioned(),
      parameters: {
        ...provisioned().parameters,
        '/stalewatch/teams/platform': 'prod-12.westeurope.logic.azure.com/workflows/never-shown',
      },
    });
    // Act
    const { stdout } = await doctor(checks, account, 'pglite:');
    await account.stop();
    // Assess
    expect(stdout).toContain(
      'to do  contact platform: the Teams webhook in ssm:/stalewatch/teams/platform is not an https URL',
    );
    expect(stdout).toContain('ok     contact placements-lead: its slack webhook');
    expect(stdout).not.toContain('never-shown');
  });
});

describe('npx stalewatch doctor on a direct source (in a VPC)', () => {
  it('checks its RDS-style secret by field names, and says the role is checked from inside the VPC', async () => {
    // Prepare: a MySQL source reached directly; its secret lacks dbname, and the source names no database.
    const settings = `timezone: Europe/London
sources:
  reporting:
    engine: mysql
    connection: direct
    secretArn: arn:aws:secretsmanager:eu-west-2:123456789012:secret:reporting
vpc:
  subnetIds: [subnet-0a1b2c3d4e5f60718]
  securityGroupIds: [sg-0a1b2c3d4e5f60718]
contacts:
  platform:
    name: Platform team
    audience: platform
notify:
  errorsTo: platform
`;
    const checks = writeTree({
      'stalewatch.yml': settings,
      'export.yml':
        'dataset: export\ntitle: Export\nsource: reporting\ntable: reporting.batch\nowner: platform\nchecks:\n  - freshness:\n      column: finished_at\n      failAfter: 1d\n',
    });
    const secret = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:reporting';
    const account = await startAccountStandIns({
      ...provisioned(),
      secrets: {
        [secret]: JSON.stringify({ host: 'db.internal', port: 3306, username: 'u', password: PASSWORD }),
      },
    });
    // Act
    const { stdout } = await doctor(checks, account, 'pglite:');
    await account.stop();
    // Assess
    expect(stdout).toContain(`to do  source reporting: the secret ${secret} lacks "dbname"`);
    expect(stdout).toMatch(
      /ok {5}source reporting: a direct source, reached from the functions inside the VPC/,
    );
    expect(stdout).not.toContain(PASSWORD);
    expect(stdout).not.toContain('db.internal');
  });
});
