import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

/** The resources of the template the last `sls package` wrote. */
const packagedResources = (): Record<string, Resource> =>
  JSON.parse(readFileSync(join(ROOT, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8'))
    .Resources;

/** The properties of the alarm that fires when dispatch does not run. */
const notRunning = (resources: Record<string, Resource>) =>
  Object.values(resources).find(
    (r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.MetricName === 'Invocations',
  )?.Properties;

/** A copy of the shipped checks/ with another runEvery. */
function checksWith(runEvery: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'stalewatch-checks-'));
  cpSync(join(ROOT, 'checks'), dir, { recursive: true });
  const settings = join(dir, 'stalewatch.yml');
  writeFileSync(settings, `${readFileSync(settings, 'utf8')}runEvery: ${runEvery}\n`);
  return dir;
}
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
    resources = packagedResources();
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

  it('runs dispatch every 15 minutes, as checks/stalewatch.yml says by default', () => {
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties.ScheduleExpression);
    expect(rules).toContain('rate(15 minutes)');
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

  it('alarms to the SNS topic when runSource, notify, digest or dispatch fail, or a message reaches the dead-letter queue', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const failing = (fn: string) =>
      expect.objectContaining({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: 'AlarmTopic' }],
      });
    expect(alarms).toEqual(
      expect.arrayContaining([
        failing('DispatchLambdaFunction'),
        failing('RunSourceLambdaFunction'),
        failing('NotifyLambdaFunction'),
        failing('DigestLambdaFunction'),
        expect.objectContaining({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [
            { Name: 'QueueName', Value: { 'Fn::GetAtt': ['NotifyDeadLetterQueue', 'QueueName'] } },
          ],
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [{ Ref: 'AlarmTopic' }],
        }),
      ]),
    );
  });

  it('alarms when dispatch has not run for twice runEvery: 30 minutes for the default 15m', () => {
    expect(notRunning(resources)).toMatchObject({
      MetricName: 'Invocations',
      Period: 1800,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'breaching',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    });
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

describe('npx sls package with another runEvery', () => {
  afterAll(() => {
    // Leave .serverless/ and the compiled config as the shipped checks/ make them.
    sls(['package', '--stage', 'test']);
  });

  it('alarms when dispatch has not run for two days with runEvery: 1d, in two one-day periods', () => {
    const { code, stderr } = sls(['package', '--stage', 'test'], { STALEWATCH_CHECKS_DIR: checksWith('1d') });
    expect(stderr).not.toMatch(/Error/);
    expect(code).toBe(0);
    expect(notRunning(packagedResources())).toMatchObject({
      Period: 86_400,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
    });
  });

  it('refuses a runEvery whose twice is past the 7 days CloudWatch can look back, saying what to write', () => {
    const { code, stdout, stderr } = sls(['package', '--stage', 'test'], {
      STALEWATCH_CHECKS_DIR: checksWith('1w'),
    });
    expect(code).not.toBe(0);
    expect(stdout + stderr).toMatch(
      /stalewatch\.yml:\d+:\d+ runEvery: "1w" is too long: .* CloudWatch looks back at most 7 days — write 84h/,
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
