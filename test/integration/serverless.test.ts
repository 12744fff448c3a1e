import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

const ROOT = join(__dirname, '..', '..');
const SLS = join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js');

/** The real osls CLI, offline, with no AWS credentials. */
function sls(args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('STALEWATCH_')),
  );
  const result = spawnSync(process.execPath, [SLS, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      ...clean,
      SLS_TELEMETRY_DISABLED: '1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
    },
    timeout: 180_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Effect: string; Action: string[] | string; Resource: unknown };

describe('npx sls package (offline)', () => {
  let resources: Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const statementsOf = (roleName: string): Statement[] => {
    const role = Object.values(resources).find(
      (r) => r.Type === 'AWS::IAM::Role' && JSON.stringify(r.Properties.RoleName ?? '').includes(roleName),
    );
    const policies = (role?.Properties.Policies ?? []) as Array<{
      PolicyDocument: { Statement: Statement[] };
    }>;
    return policies.flatMap((p) => p.PolicyDocument.Statement);
  };

  beforeAll(() => {
    const { code, stderr } = sls(['package', '--stage', 'test']);
    if (code !== 0) throw new Error(`sls package failed:\n${stderr}`);
    const template = JSON.parse(
      readFileSync(join(ROOT, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8'),
    );
    resources = template.Resources;
  });

  it('declares the custom bus, the state table (on demand, with TTL) and the alarm topic', () => {
    const [[, bus] = []] = ofType('AWS::Events::EventBus');
    expect(bus?.Properties.Name).toBe('stalewatch-test');
    const [[, table] = []] = ofType('AWS::DynamoDB::Table');
    expect(table?.Properties).toMatchObject({
      TableName: 'stalewatch-test-state',
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    expect(ofType('AWS::SNS::Topic')).toHaveLength(1);
  });

  it('runs dispatch every 15 minutes on the clock (:00, :15, :30, :45), as checks/stalewatch.yml says by default', () => {
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties.ScheduleExpression);
    expect(rules).toContain('cron(0/15 * * * ? *)');
  });

  it('packages the functions for nodejs22.x on arm64', () => {
    const functions = ofType('AWS::Lambda::Function').map(([, f]) => [
      f.Properties.Runtime,
      f.Properties.Architectures,
    ]);
    expect(functions).toEqual(Array(5).fill(['nodejs22.x', ['arm64']]));
  });

  it('routes the bus’s events to notify with a retry policy and a dead-letter queue', () => {
    const rules = ofType('AWS::Events::Rule')
      .map(([, r]) => r.Properties)
      .filter((p) => p.EventPattern);
    expect(rules.map((r) => (r.EventPattern as { 'detail-type': string[] })['detail-type'])).toEqual([
      ['Dataset Stale', 'Dataset Still Stale', 'Dataset Recovered'],
      ['Check Error', 'Check Recovered'],
    ]);
    for (const rule of rules) {
      expect(rule.Targets).toEqual([
        expect.objectContaining({
          Arn: { 'Fn::GetAtt': ['NotifyLambdaFunction', 'Arn'] },
          RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 10 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['NotifyDeadLetterQueue', 'Arn'] } },
        }),
      ]);
    }
    expect(ofType('AWS::SQS::Queue')).toHaveLength(1);
  });

  it('sends the digest on notify.digest in the configured zone, with EventBridge Scheduler', () => {
    const [[, schedule] = []] = ofType('AWS::Scheduler::Schedule');
    expect(schedule?.Properties).toMatchObject({
      ScheduleExpression: 'cron(0 8 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'Europe/London',
    });
    expect(JSON.stringify(statementsOf('digest'))).toContain('function:stalewatch-test-digest');
  });

  it('alarms when dispatch errors or has not run for an hour, to the SNS topic', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    expect(alarms).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          MetricName: 'Errors',
          Threshold: 1,
          AlarmActions: [{ Ref: 'AlarmTopic' }],
        }),
        expect.objectContaining({
          MetricName: 'Invocations',
          Period: 3600,
          TreatMissingData: 'breaching',
          ComparisonOperator: 'LessThanThreshold',
        }),
      ]),
    );
  });

  it('gives each function its own least-privilege role, never Resource "*" for these services', () => {
    const dispatch = statementsOf('dispatch');
    const runSource = statementsOf('runSource');
    const actions = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat());
    expect(actions(dispatch)).toContain('lambda:InvokeFunction');
    expect(actions(dispatch)).not.toContain('rds-data:ExecuteStatement');
    expect(actions(runSource)).toEqual(
      expect.arrayContaining([
        'rds-data:ExecuteStatement',
        'secretsmanager:GetSecretValue',
        'events:PutEvents',
        'dynamodb:PutItem',
      ]),
    );
    expect(actions(runSource)).not.toContain('lambda:InvokeFunction');
    for (const statement of [...dispatch, ...runSource, ...statementsOf('check')]) {
      const scoped = [statement.Action]
        .flat()
        .some((a) => /^(rds-data|secretsmanager|dynamodb|events|lambda):/.test(a));
      if (scoped) expect(JSON.stringify(statement.Resource)).not.toMatch(/"\*"/);
    }
    const rds = runSource.find((s) => [s.Action].flat().includes('rds-data:ExecuteStatement'));
    expect(rds?.Resource).toEqual([
      'arn:aws:rds:eu-west-2:000000000000:cluster:unset-tis-cluster-arn',
      'arn:aws:rds:eu-west-2:000000000000:cluster:unset-warehouse-cluster-arn',
    ]);
  });

  it('takes the sources’ ARNs from the config when their variables are set', () => {
    const { code } = sls(['package', '--stage', 'test'], {
      TIS_CLUSTER_ARN: 'arn:aws:rds:eu-west-2:111122223333:cluster:tis',
      TIS_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-2:111122223333:secret:tis-AbCdEf',
    });
    expect(code).toBe(0);
    const template = readFileSync(
      join(ROOT, '.serverless', 'cloudformation-template-update-stack.json'),
      'utf8',
    );
    expect(template).toContain('arn:aws:rds:eu-west-2:111122223333:cluster:tis');
    expect(template).toContain('arn:aws:secretsmanager:eu-west-2:111122223333:secret:tis-AbCdEf');
  });

  it('refuses to deploy while a source ARN is not set', () => {
    const { code, stdout, stderr } = sls(['deploy', '--stage', 'test']);
    expect(code).not.toBe(0);
    expect(stdout + stderr).toContain(
      'Set TIS_CLUSTER_ARN, TIS_SECRET_ARN, WAREHOUSE_CLUSTER_ARN, WAREHOUSE_SECRET_ARN before deploying',
    );
  });
});

describe('npx sls invoke local -f check', () => {
  it('answers the report on a dry run, here with every source unreachable', () => {
    const { code, stdout } = sls(['invoke', 'local', '-f', 'check', '--data', '{"dryRun":true}']);
    expect(code).toBe(0);
    const answer = JSON.parse(stdout.slice(stdout.indexOf('{\n')));
    expect(answer.report).toMatch(/^Stalewatch — .*\n8 checks: 8 could not run/);
    expect(answer.results).toHaveLength(8);
  });
});

describe('npx sls package with other checks/ trees: the schedules deployed mean what the config says', () => {
  /** Packages a tree whose settings add `extra` lines; the template, or the output of a refusal. */
  function packageTree(extra: string) {
    const dir = writeTree({ 'stalewatch.yml': `${SETTINGS}${extra}`, 'placements.yml': PLACEMENTS });
    const result = sls(['package', '--stage', 'test'], { STALEWATCH_CHECKS_DIR: dir });
    if (result.code !== 0) return { ...result, resources: {} as Record<string, Resource> };
    const template = JSON.parse(
      readFileSync(join(ROOT, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8'),
    );
    return { ...result, resources: template.Resources as Record<string, Resource> };
  }
  const schedules = (resources: Record<string, Resource>) => ({
    dispatch: Object.values(resources)
      .filter((r) => r.Type === 'AWS::Events::Rule' && r.Properties.ScheduleExpression)
      .map((r) => r.Properties.ScheduleExpression),
    digest: Object.values(resources)
      .filter((r) => r.Type === 'AWS::Scheduler::Schedule')
      .map((r) => [r.Properties.ScheduleExpression, r.Properties.ScheduleExpressionTimezone]),
  });

  it('deploys day-of-week steps and # as EventBridge writes them, with a rate for 7m', () => {
    // Act
    const { code, resources } = packageTree('  digest: "0 8 * * */2"\nrunEvery: 7m\n');
    // Assess: */2 is Sunday, Tuesday, Thursday, Saturday (not "*/TUE")
    expect(code).toBe(0);
    expect(schedules(resources).digest).toEqual([['cron(0 8 ? * SUN,TUE,THU,SAT *)', 'Europe/London']]);
    expect(schedules(resources).dispatch).toContain('rate(7 minutes)');
  });

  it('deploys 1#1, the first Monday, as 2#1 (EventBridge numbers Sunday 1), and 2h on the clock', () => {
    const { code, resources } = packageTree('  digest: "0 9 * * 1#1"\nrunEvery: 2h\n');
    expect(code).toBe(0);
    expect(schedules(resources).digest).toEqual([['cron(0 9 ? * 2#1 *)', 'Europe/London']]);
    expect(schedules(resources).dispatch).toContain('cron(0 0/2 * * ? *)');
  });

  it.each([
    ['runEvery: 30s\n', /stalewatch\.yml:\d+:\d+ runEvery: "30s" is not whole minutes/],
    ['  digest: "0 0 8 * * 1-5"\n', /stalewatch\.yml:\d+:\d+ notify\.digest: .*write "0 8 \* \* 1-5"/],
    [
      '  digest: "@daily"\n',
      /stalewatch\.yml:\d+:\d+ notify\.digest: .*write the five fields instead: "0 0 \* \* \*"/,
    ],
    ['  digest: "0 8 1 * MON"\n', /notify\.digest: .*an EventBridge schedule restricts only one of the two/],
    ['  digest: "30 1 * * *"\n', /notify\.digest: .*EventBridge Scheduler skips a time that does not exist/],
  ])('refuses to package %s with the located problem, not a stack trace', (extra, message) => {
    // Act
    const { code, stdout, stderr } = packageTree(extra);
    // Assess
    expect(code).not.toBe(0);
    expect(stdout + stderr).toMatch(message);
    expect(stdout + stderr).not.toMatch(/^\s+at /m);
    expect(stdout + stderr).not.toMatch(/TypeError/);
  });
});
