import { Metrics } from '@aws-lambda-powertools/metrics';
import { connectorForUrl } from '../../lib/adapters/sql/connect';
import { runChecks } from '../../lib/app/run';
import { loadConfig } from '../../lib/config/load';
import { emitRunMetrics } from '../../lib/runtime/lambda/service';
import { at } from '../helpers/checks';
import { pgliteFolder } from '../helpers/databases';
import { PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

/**
 * The CloudWatch metric names of each EMF line the metrics wrote, with the line's `check` dimension and
 * its `checksRun` property (a property of the line, not a metric).
 */
function emfLines(
  write: jest.SpyInstance,
): Array<{ check: string | null; metrics: string[]; checksRun: string | null }> {
  return write.mock.calls
    .map(([chunk]) => String(chunk))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line))
    .map((emf) => ({
      check: emf.check ?? null,
      metrics: emf._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name),
      checksRun: emf.checksRun ?? null,
    }));
}

const TRAINEES = PLACEMENTS.replace('dataset: placements', 'dataset: trainees').replace(
  'Trainee placements',
  'Trainees',
);
let folder: string;

async function runWith(settingsExtra: string, traineesExtra: string) {
  const config = await loadConfig({
    dir: writeTree({
      'stalewatch.yml': SETTINGS + settingsExtra,
      'placements.yml': PLACEMENTS,
      'trainees.yml': TRAINEES + traineesExtra,
    }),
    env: {},
  });
  const report = await runChecks({
    config,
    checks: config.checks,
    connectors: { tis: connectorForUrl('tis', `pglite:${folder}`) },
    now: at('2026-11-23T10:00:00Z'),
    runId: 'r1',
  });
  const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const metrics = new Metrics({ namespace: 'Stalewatch', serviceName: 'stalewatch' });
    Object.assign(metrics, { console: new (require('node:console').Console)(process.stderr) });
    emitRunMetrics(metrics, report, config);
    metrics.publishStoredMetrics();
    return emfLines(write);
  } finally {
    write.mockRestore();
  }
}

describe('CloudWatch metrics of a run (SPEC.md "Cost and scale")', () => {
  const saved = { ...process.env };
  beforeAll(async () => {
    folder = await pgliteFolder(
      "CREATE TABLE public.placement (id int, last_modified timestamp); INSERT INTO public.placement VALUES (1, '2026-11-22 02:14:00')",
    );
    delete process.env.POWERTOOLS_METRICS_DISABLED;
  });
  afterAll(() => {
    process.env = saved;
  });

  it('by default, a run emits two metrics (stale and errored) and nothing per check; how many ran is a property', async () => {
    // Act
    const lines = await runWith('', '');
    // Assess
    expect(lines).toEqual([{ check: null, metrics: ['ChecksStale', 'ChecksErrored'], checksRun: '2' }]);
  });

  it("a dataset with metrics: perCheck gets its checks' status and age; the others do not", async () => {
    // Act
    const lines = await runWith('', 'metrics: perCheck\n');
    // Assess
    const perCheck = lines.filter((l) => l.check !== null);
    expect(new Set(perCheck.map((l) => l.check))).toEqual(new Set(['trainees/updated-recently']));
    expect(perCheck.flatMap((l) => l.metrics).sort()).toEqual(['CheckAgeSeconds', 'CheckStatus']);
    expect(lines.filter((l) => l.check === null).flatMap((l) => l.metrics)).toContain('ChecksStale');
  });

  it('metrics: perCheck in the settings covers every dataset, unless one says run', async () => {
    // Act
    const lines = await runWith('metrics: perCheck\n', 'metrics: run\n');
    // Assess
    const checks = new Set(lines.map((l) => l.check).filter(Boolean));
    expect([...checks]).toEqual(['placements/updated-recently']);
  });

  it('validate refuses a metrics level it does not know, saying what to write', async () => {
    const dir = writeTree({ 'stalewatch.yml': `${SETTINGS}metrics: all\n`, 'placements.yml': PLACEMENTS });
    await expect(loadConfig({ dir, env: {} })).rejects.toThrow(
      /metrics.*write run \(the default\) or perCheck/,
    );
  });
});
