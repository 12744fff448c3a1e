import { openBackend } from '../../tools/data-api/backends';
import { startDataApi } from '../../tools/data-api/server';
import { stalewatchAsync } from '../helpers/cli';
import {
  monitorRole,
  POSTGRES_URL,
  pgliteFolder,
  postgresScratch,
  type ScratchDatabase,
} from '../helpers/databases';
import { CURRENT_PLACEMENTS_CHECK, placementsOver, SETTINGS, writeTree } from '../helpers/tree';

/** Settings whose source is reached through the Data API with ARNs from the environment. */
const settingsFromEnv = SETTINGS.replace(
  'arn:aws:rds:eu-west-2:123456789012:cluster:tis',
  '${env:TIS_CLUSTER_ARN}',
).replace('arn:aws:secretsmanager:eu-west-2:123456789012:secret:tis', '${env:TIS_SECRET_ARN}');
const ENV = {
  TIS_CLUSTER_ARN: 'arn:aws:rds:eu-west-2:123456789012:cluster:tis',
  TIS_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:tis-abc',
};
const DDL = (ns: string) => `
  CREATE TABLE ${ns}.placement (id int, status text, last_modified timestamp);
  INSERT INTO ${ns}.placement VALUES (1, 'CURRENT', '2026-11-22 02:14:00'), (2, 'PAST', '2026-11-21 01:00:00');`;

function checksOver(namespace: string) {
  const nightly =
    '  - name: nightly sync\n    freshness:\n      column: last_modified\n      dueBy: "0 7 * * 1-5"\n';
  return writeTree({
    'stalewatch.yml': settingsFromEnv,
    'placements.yml': placementsOver(namespace, CURRENT_PLACEMENTS_CHECK, nightly),
  });
}

const runArgs = (checks: string) => [
  'run',
  '--checks',
  checks,
  '--now',
  '2026-11-23T10:00:00Z',
  '--format',
  'json',
];
const verdicts = (stdout: string) =>
  JSON.parse(stdout).results.map(({ runId: _, ...rest }: { runId: string }) => rest);

/** Runs through a local Data API over `target`, then directly with --source, and compares. */
async function compare(target: string, checks: string, closeBetween: boolean) {
  // Act 1: no --source, the SDK pointed at the stand-in by AWS_ENDPOINT_URL_RDS_DATA.
  const backend = await openBackend(target);
  const api = await startDataApi(backend, { faults: { latencyMs: 30 } });
  const viaApi = await stalewatchAsync(runArgs(checks), { ...ENV, AWS_ENDPOINT_URL_RDS_DATA: api.url });
  const calls = api.calls;
  await api.stop();
  if (closeBetween) await backend.close();
  // Act 2: the same checks straight at the database.
  const direct = await stalewatchAsync([...runArgs(checks), '--source', `tis=${target}`]);
  if (!closeBetween) await backend.close();
  return { viaApi, direct, calls };
}

describe('npx stalewatch run through the RDS Data API (no --source)', () => {
  it('on the embedded database: same verdicts as --source, in one ExecuteStatement when the role has a statement timeout', async () => {
    // Prepare: the role has a statement timeout, as docs/sources.md asks of the monitor's role.
    const folder = await pgliteFolder(
      `${DDL('public')}\nALTER ROLE CURRENT_USER SET statement_timeout = '30s';`,
    );
    // Act
    const { viaApi, direct, calls } = await compare(`pglite:${folder}`, checksOver('public'), true);
    // Assess
    expect(viaApi.stderr).toBe('');
    expect(verdicts(viaApi.stdout)).toEqual(verdicts(direct.stdout));
    expect(verdicts(viaApi.stdout).map((r: { status: string }) => r.status)).toEqual([
      'warn',
      'fail',
      'pass',
    ]);
    expect(calls).toBe(1);
    expect(viaApi.code).toBe(1);
  });

  (POSTGRES_URL ? it : it.skip)(
    'on a real PostgreSQL: same verdicts as --source postgres://, in one ExecuteStatement as the monitor role',
    async () => {
      const db: ScratchDatabase = await postgresScratch(POSTGRES_URL as string);
      let role: Awaited<ReturnType<typeof monitorRole>> | null = null;
      try {
        await db.exec(DDL(db.namespace));
        role = await monitorRole(db);
        const { viaApi, direct, calls } = await compare(role.url, checksOver(db.namespace), true);
        expect(verdicts(viaApi.stdout)).toEqual(verdicts(direct.stdout));
        expect(calls).toBe(1);
      } finally {
        await role?.drop();
        await db.drop();
      }
    },
  );

  it('says which source, and no secret, when the Data API cannot be reached', async () => {
    const checks = checksOver('public');
    const { stdout, code } = await stalewatchAsync(runArgs(checks), {
      ...ENV,
      AWS_ENDPOINT_URL_RDS_DATA: 'http://127.0.0.1:1',
    });
    const [first] = JSON.parse(stdout).results;
    expect(first.status).toBe('error');
    expect(first.error).toMatch(/^Source "tis" could not be reached: /);
    expect(stdout).not.toContain('stand-in');
    expect(code).toBe(1);
  });
});
