import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBackend } from '../../tools/data-api/backends';
import { startDataApi } from '../../tools/data-api/server';
import { type AccountState, startAccountStandIns } from '../helpers/aws';
import { stalewatch, stalewatchAsync } from '../helpers/cli';
import { monitorRole, POSTGRES_URL, postgresScratch, type ScratchDatabase } from '../helpers/databases';
import { placementsOver, SETTINGS, writeTree } from '../helpers/tree';

// Each step runs the real CLI, once or twice: generous on a loaded machine.
jest.setTimeout(240_000);

const DOCS = join(__dirname, '..', '..', 'docs');
const deployDoc = readFileSync(join(DOCS, 'deploy.md'), 'utf8');
const SECRET = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:tis';
const TOPIC = 'arn:aws:sns:eu-west-2:123456789012:stalewatch-prod-alarms';

/** The SQL blocks of a doc, comments and password placeholders taken out. */
const sqlBlocks = (doc: string) =>
  [...doc.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) =>
    (m[1] as string)
      .replace(/\s*--.*$/gm, '')
      .replaceAll("'<the password in the secret>'", "'change-me'")
      .trim(),
  );

describe('docs/deploy.md', () => {
  it('gives the same monitor-role SQL as docs/sources.md, which the tests run as written', () => {
    const sources = sqlBlocks(readFileSync(join(DOCS, 'sources.md'), 'utf8'));
    for (const block of sqlBlocks(deployDoc)) expect(sources).toContain(block);
    expect(sqlBlocks(deployDoc)).toHaveLength(2);
  });
});

const postgres = POSTGRES_URL;
const describeWithPostgres = postgres ? describe : describe.skip;

describeWithPostgres('docs/deploy.md, step by step against the stand-ins', () => {
  let db: ScratchDatabase;
  let checks: string;
  const account: { state?: AccountState; env?: Record<string, string>; stop?: () => Promise<void> } = {};
  /** How the Data API stand-in logs in: the secret's user. */
  let login = '';
  let dataApiEnabled = false;
  /** The monitor role, once step 3 has made it. */
  let drop: (() => Promise<void>) | null = null;
  /** What doctor said after the last step: the next step's "before". */
  let previous: { stdout: string } | null = null;

  beforeAll(async () => {
    db = await postgresScratch(postgres as string);
    await db.exec(`CREATE TABLE ${db.namespace}.placement (id int, last_modified timestamp)`);
    const settings = SETTINGS.replace(
      'database: tis',
      `database: ${new URL(db.url).pathname.slice(1)}`,
    ).replace('audience: platform', 'audience: platform\n    email: platform@example.org');
    checks = writeTree({ 'stalewatch.yml': settings, 'placements.yml': placementsOver(db.namespace) });
    Object.assign(account, await startAccountStandIns());
    login = postgres as string; // the cluster's admin user, until step 3
  });
  afterAll(async () => {
    await account.stop?.();
    await drop?.();
    await db.drop();
  });

  const doctor = async () => {
    const backend = await openBackend(login);
    const api = await startDataApi(backend, { faults: { disabled: !dataApiEnabled } });
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
  };
  const linesAbout = (stdout: string, pattern: RegExp) => stdout.split('\n').filter((l) => pattern.test(l));

  /** Each step of the doc: what it does to the account, and the doctor lines it turns to ok. */
  const steps: Array<[string, () => Promise<void> | void, RegExp]> = [
    [
      '1. Aurora with the Data API enabled',
      () => {
        dataApiEnabled = true;
      },
      /source tis: (the Data API|turn it on)/,
    ],
    [
      '2. The secret',
      () => {
        (account.state as AccountState).secrets[SECRET] = JSON.stringify({
          username: 'stalewatch_monitor',
          password: 'change-me',
        });
      },
      /source tis: (the secret|there is no secret)/,
    ],
    [
      '3. The least-privilege database role',
      async () => {
        const role = await monitorRole(db);
        drop = role.drop;
        login = role.url;
      },
      /source tis: .*role|source tis: table/,
    ],
    [
      '4. Webhooks: SSM parameters and secrets',
      () => {
        (account.state as AccountState).parameters['/stalewatch/slack/placements'] =
          'https://hooks.slack.com/services/T0/B0/x';
      },
      /contact placements-lead/,
    ],
    [
      '5. The SES sender, out of the sandbox',
      () => {
        const state = account.state as AccountState;
        state.parameters['/stalewatch/prod/email-from'] = 'stalewatch@example.org';
        state.identities['example.org'] = true;
        state.sesProductionAccess = true;
      },
      /email \(SES\)/,
    ],
  ];

  it.each(steps)('%s: doctor’s lines for it go from "to do" to "ok"', async (title, satisfy, about) => {
    // Prepare: the doc has the step, in this order.
    expect(deployDoc).toContain(`## ${title}\n`);
    const before = previous ?? (await doctor());
    expect(linesAbout(before.stdout, about).some((l) => l.startsWith('to do'))).toBe(true);
    // Act
    await satisfy();
    // Assess
    const after = await doctor();
    previous = after;
    const lines = linesAbout(after.stdout, about);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((l) => !l.startsWith('ok '))).toEqual([]);
  });

  it('6–7. validate passes, and doctor has one thing left: the alarm topic that sls deploy creates', async () => {
    expect(deployDoc).toMatch(
      /## 6\. `stalewatch validate`[\s\S]*## 7\. `stalewatch doctor`[\s\S]*## 8\. `sls deploy`/,
    );
    expect(stalewatch(['validate', '--checks', checks]).code).toBe(0);
    const { code, stdout } = await doctor();
    expect(stdout.split('\n').filter((l) => l.startsWith('to do'))).toEqual([
      expect.stringMatching(
        /^to do {2}alarm topic: there is no topic stalewatch-prod-alarms in eu-west-2 yet: sls deploy --stage prod creates it/,
      ),
    ]);
    expect(code).toBe(1);
  });

  it('8–9. after the deploy, a confirmed subscriber on the alarm topic makes every line ok, exit 0', async () => {
    expect(deployDoc).toContain('## 9. A subscriber on the alarm topic\n');
    const state = account.state as AccountState;
    state.topics[TOPIC] = ['PendingConfirmation']; // sls deploy made the topic; the email is not confirmed
    const pending = await doctor();
    expect(pending.stdout).toMatch(/to do {2}alarm topic: .*waiting for confirmation/);
    state.topics[TOPIC] = [`${TOPIC}:5c9e`];
    const { code, stdout } = await doctor();
    expect(stdout.split('\n').filter((l) => l && !l.startsWith('ok '))).toEqual([]);
    expect(code).toBe(0);
  });
});
