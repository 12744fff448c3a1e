import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { connectorForUrl } from '../../lib/adapters/sql/connect';
import { runChecks } from '../../lib/app/run';
import { loadConfig } from '../../lib/config/load';
import { toRunJson } from '../../lib/core/report/json';
import { openBackend } from '../../tools/data-api/backends';
import { startDataApi } from '../../tools/data-api/server';
import { startDynamo, startEventRecorder } from '../helpers/aws';
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

  it('runs dispatch every 15 minutes on the clock (:00, :15, :30, :45), as checks/stalewatch.yml says by default', () => {
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties.ScheduleExpression);
    expect(rules).toContain('cron(0/15 * * * ? *)');
  });

  it('packages the functions for nodejs22.x on arm64', () => {
    const functions = ofType('AWS::Lambda::Function').map(([, f]) => [
      f.Properties.Runtime,
      f.Properties.Architectures,
    ]);
    expect(functions).toEqual(Array(6).fill(['nodejs22.x', ['arm64']]));
  });

  it('routes the bus’s events to notify with a retry policy and a dead-letter queue', () => {
    const rules = ofType('AWS::Events::Rule')
      .map(([, r]) => r.Properties)
      .filter((p) => p.EventPattern);
    expect(rules.map((r) => (r.EventPattern as { 'detail-type': string[] })['detail-type'])).toEqual([
      ['Dataset Stale', 'Dataset Still Stale', 'Dataset Recovered'],
      ['Check Error', 'Check Recovered'],
      ['CloudWatch Alarm State Change'],
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

  it('routes the state changes of exactly the alarms that checks/alarms/ watches, from the default bus, to notify', () => {
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties);
    const alarmRule = rules.find((p) => JSON.stringify(p.EventPattern ?? '').includes('aws.cloudwatch'));
    expect(alarmRule?.EventBusName).toBeUndefined(); // the default bus, where CloudWatch puts its events
    expect(alarmRule?.EventPattern).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail: { alarmName: ['tis-prod-website-health', { prefix: 'tis-prod-db-' }] },
    });
    // Taking alarm events needs no permission beyond what notify had: the rule invokes it, and alarm
    // state lives in the state table that notify already reads and writes.
    const actions = statementsOf('stalewatch-test-notify').flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => /^(cloudwatch|events):/.test(a))).toEqual([]);
    expect(actions).not.toContain('dynamodb:BatchGetItem');
    const permission = ofType('AWS::Lambda::Permission')
      .map(([, p]) => p.Properties)
      .find((p) => JSON.stringify(p.SourceArn ?? null).includes('notify-rule-3'));
    expect(permission).toEqual(
      expect.objectContaining({ Principal: 'events.amazonaws.com', Action: 'lambda:InvokeFunction' }),
    );
    // Only that rule, on the default bus (no bus name in its ARN), may invoke notify with alarm events.
    expect(JSON.stringify(permission?.SourceArn)).toContain('["rule","stalewatch-test-notify-rule-3"]');
  });

  it('keeps what notify and digest still fail to deliver after Lambda’s own retries in the same queue', () => {
    // EventBridge's dead-letter queue only covers handing the event to Lambda: an invocation that then
    // fails is retried by Lambda, and without an on-failure destination it would be dropped.
    const configs = ofType('AWS::Lambda::EventInvokeConfig').map(([, c]) => c.Properties);
    const queue = { 'Fn::GetAtt': ['NotifyDeadLetterQueue', 'Arn'] };
    for (const fn of ['NotifyLambdaFunction', 'DigestLambdaFunction']) {
      expect(configs).toContainEqual(
        expect.objectContaining({
          FunctionName: { Ref: fn },
          MaximumRetryAttempts: 2,
          DestinationConfig: { OnFailure: { Destination: queue } },
        }),
      );
    }
    for (const role of ['notify', 'digest']) {
      expect(statementsOf(`stalewatch-test-${role}`)).toContainEqual(
        expect.objectContaining({ Action: ['sqs:SendMessage'], Resource: queue }),
      );
    }
  });

  it('sends the digest on notify.digest in the configured zone, with EventBridge Scheduler', () => {
    const [[, schedule] = []] = ofType('AWS::Scheduler::Schedule');
    expect(schedule?.Properties).toMatchObject({
      ScheduleExpression: 'cron(0 8 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'Europe/London',
    });
    expect(JSON.stringify(statementsOf('digest'))).toContain('function:stalewatch-test-digest');
  });

  it('alarms to the SNS topic, in two alarms on free AWS metrics, when a function fails for good or dispatch stops', () => {
    // Prepare
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const configs = ofType('AWS::Lambda::EventInvokeConfig').map(([, c]) => c.Properties);
    const queue = { 'Fn::GetAtt': ['NotifyDeadLetterQueue', 'Arn'] };
    // Assess: dispatch, runSource, notify and digest each send what still fails after Lambda's retries
    // to the one queue, and a message there raises the alarm; dispatch not running raises the other.
    for (const fn of [
      'DispatchLambdaFunction',
      'RunSourceLambdaFunction',
      'NotifyLambdaFunction',
      'DigestLambdaFunction',
    ]) {
      expect(configs).toContainEqual(
        expect.objectContaining({
          FunctionName: { Ref: fn },
          DestinationConfig: { OnFailure: { Destination: queue } },
        }),
      );
    }
    for (const role of ['dispatch', 'runSource']) {
      expect(statementsOf(`stalewatch-test-${role}`)).toContainEqual(
        expect.objectContaining({ Action: ['sqs:SendMessage'], Resource: queue }),
      );
    }
    expect(alarms).toHaveLength(2);
    expect(alarms).toEqual(
      expect.arrayContaining([
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
        expect.objectContaining({ Namespace: 'AWS/Lambda', MetricName: 'Invocations' }),
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

  it("gives Slack's buttons a public function URL whose role reads only the signing secret and the state table", () => {
    const url = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::Url');
    expect(url?.Properties).toMatchObject({ AuthType: 'NONE' });
    const template = JSON.parse(
      readFileSync(join(ROOT, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8'),
    );
    expect(template.Outputs.SlackInteractivityUrl.Value).toEqual({
      'Fn::GetAtt': ['InteractionsLambdaFunctionUrl', 'FunctionUrl'],
    });
    const interactions = statementsOf('interactions');
    const actions = interactions.flatMap((s) => [s.Action].flat()).filter((a) => !a.startsWith('logs:'));
    expect(actions.sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'secretsmanager:GetSecretValue']);
    const secret = interactions.find((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
    expect(JSON.stringify(secret?.Resource)).toContain('secret:stalewatch/slack-signing-secret-*');
  });

  it('keeps the status page in a private, encrypted, TLS-only bucket that only runSource may write index.html to', () => {
    // Prepare
    const name = 'StatusBucket';
    const bucket = resources[name];
    const ref = { Ref: name };
    const [[, policy] = []] = ofType('AWS::S3::BucketPolicy').filter(
      ([, p]) => JSON.stringify(p.Properties.Bucket) === JSON.stringify(ref),
    );
    const index = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [name, 'Arn'] }, '/index.html']] };
    const puts = (role: string) =>
      statementsOf(role).filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));

    // Assess: nothing public, encrypted at rest, no ACLs, and no request without TLS.
    expect(bucket?.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(policy?.Properties.Bucket).toEqual(ref);
    const document = policy?.Properties.PolicyDocument as
      | { Statement: Array<Record<string, unknown>> }
      | undefined;
    const statements = document?.Statement ?? [];
    expect(statements).toEqual([
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    ]);
    expect(statements.some((s) => s.Effect === 'Allow')).toBe(false);

    // Assess: runSource puts that one key, and is told the bucket; no other function touches S3.
    expect(puts('runSource')).toEqual([{ Effect: 'Allow', Action: ['s3:PutObject'], Resource: index }]);
    for (const role of ['dispatch', 'check', 'notify', 'digest']) expect(puts(role)).toEqual([]);
    const environment = (fn: string) =>
      (resources[fn]?.Properties.Environment as { Variables: Record<string, unknown> } | undefined)
        ?.Variables ?? {};
    expect(environment('RunSourceLambdaFunction').STALEWATCH_STATUS_BUCKET).toEqual(ref);
    expect(environment('CheckLambdaFunction').STALEWATCH_STATUS_BUCKET).toBeUndefined();
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
  it('prints only the answer on stdout, a dry run here with every source unreachable', () => {
    const { code, stdout, stderr } = sls(['invoke', 'local', '-f', 'check', '--data', '{"dryRun":true}']);
    expect(code).toBe(0);
    // stdout is the answer alone, one JSON object: a script can pipe it to jq.
    const answer = JSON.parse(stdout);
    expect(answer.report).toMatch(/^Stalewatch — .*\n9 checks: 9 could not run/);
    expect(answer).toMatchObject({ dryRun: true, results: expect.any(Array) });
    expect(answer.results).toHaveLength(9);
    // At the default warning level, the "done" info line is not logged at all.
    expect(stderr).not.toContain('"message":"done"');
  });

  it('logs to stderr, never stdout, at the level LOG_LEVEL asks for', () => {
    const { code, stdout, stderr } = sls(['invoke', 'local', '-f', 'check', '--data', '{"dryRun":true}'], {
      LOG_LEVEL: 'INFO',
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toHaveProperty('report');
    expect(stderr).toContain('"level":"INFO","message":"done"');
  });

  it.each([
    [
      'a field that does not exist',
      '{"onyl":["placements"]}',
      'InvalidPayloadError',
      /did you mean "only"\?/,
    ],
    ['an id that names nothing', '{"only":["nope"],"dryRun":true}', 'UsageError', /"nope" is not a dataset/],
  ])('answers %s with the error’s own class name and what to do', (_what, data, errorType, message) => {
    const { code, stdout } = sls(['invoke', 'local', '-f', 'check', '--data', data]);
    expect(code).not.toBe(0);
    const answer = JSON.parse(stdout);
    expect(answer.errorType).toBe(errorType);
    expect(answer.errorMessage).toMatch(message);
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

  it('gives the functions only the variables the sources name, never one written elsewhere in checks/', () => {
    // Prepare: a comment, a title and a where name variables that hold secrets on the packaging machine
    const dir = writeTree({
      'stalewatch.yml': `# deploy with \${env:DEPLOY_TOKEN}\n${SETTINGS.replace(
        'database: tis',
        'database: ${env:TIS_DATABASE}',
      )}`,
      'placements.yml': PLACEMENTS.replace(
        'title: Trainee placements',
        'title: Placements ${env:CI_JOB_TOKEN}',
      ),
    });
    // Act
    const { code, stderr } = sls(['package', '--stage', 'test'], {
      STALEWATCH_CHECKS_DIR: dir,
      DEPLOY_TOKEN: 'dEpLoY-t0ken-value',
      CI_JOB_TOKEN: 'ci',
      TIS_DATABASE: 'tis',
    });
    // Assess: the database variable is there; nothing else from the packaging machine's environment
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const template = readFileSync(
      join(ROOT, '.serverless', 'cloudformation-template-update-stack.json'),
      'utf8',
    );
    const variables = Object.values(JSON.parse(template).Resources as Record<string, Resource>)
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .flatMap((r) => Object.keys((r.Properties.Environment as { Variables?: object })?.Variables ?? {}));
    expect(variables).toContain('TIS_DATABASE');
    expect(variables).not.toContain('DEPLOY_TOKEN');
    expect(variables).not.toContain('CI_JOB_TOKEN');
    expect(template).not.toContain('dEpLoY-t0ken-value');
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

describe('npx sls package with a connection: direct source', () => {
  const SECRET = 'arn:aws:secretsmanager:eu-west-2:111122223333:secret:tis-direct-AbCdEf';
  let resources: Record<string, Resource>;

  beforeAll(() => {
    // Prepare: the shared settings with tis reached directly from inside a VPC.
    const settings = SETTINGS.replace(
      / {2}tis:\n[\s\S]*?database: tis\n/,
      `  tis:\n    engine: postgres\n    connection: direct\n    secretArn: ${SECRET}\n`,
    ).concat('vpc:\n  subnetIds: [subnet-0a1b2c3d4e5f60718]\n  securityGroupIds: [sg-0a1b2c3d4e5f60718]\n');
    const dir = writeTree({ 'stalewatch.yml': settings, 'placements.yml': PLACEMENTS });
    // Act
    const { code, stderr } = sls(['package', '--stage', 'test'], { STALEWATCH_CHECKS_DIR: dir });
    if (code !== 0) throw new Error(`sls package failed:\n${stderr}`);
    resources = packagedResources();
  });

  afterAll(() => {
    // Leave .serverless/ and the compiled config as the shipped checks/ make them.
    sls(['package', '--stage', 'test']);
  });

  const functionOf = (logicalId: string) => resources[logicalId]?.Properties ?? {};
  const roleOf = (name: string) =>
    Object.values(resources).find(
      (r) => r.Type === 'AWS::IAM::Role' && JSON.stringify(r.Properties.RoleName ?? '').includes(`-${name}`),
    )?.Properties ?? {};

  it('puts runSource and check, and only them, in the VPC, with the ENI permissions on their own roles', () => {
    for (const fn of ['RunSource', 'Check']) {
      expect(functionOf(`${fn}LambdaFunction`).VpcConfig).toEqual({
        SecurityGroupIds: ['sg-0a1b2c3d4e5f60718'],
        SubnetIds: ['subnet-0a1b2c3d4e5f60718'],
      });
      expect(JSON.stringify(roleOf(fn === 'RunSource' ? 'runSource' : 'check').ManagedPolicyArns)).toContain(
        'AWSLambdaVPCAccessExecutionRole',
      );
    }
    for (const fn of ['Dispatch', 'Notify', 'Digest']) {
      expect(functionOf(`${fn}LambdaFunction`).VpcConfig).toBeUndefined();
      expect(JSON.stringify(roleOf(fn.toLowerCase()).ManagedPolicyArns ?? [])).not.toContain('VPCAccess');
    }
  });

  it('lets runSource and check read that secret only, and call no Data API', () => {
    for (const name of ['runSource', 'check']) {
      const role = roleOf(name) as { Policies?: Array<{ PolicyDocument: { Statement: Statement[] } }> };
      const statements = (role.Policies ?? []).flatMap((p) => p.PolicyDocument.Statement);
      const actions = statements.flatMap((s) => [s.Action].flat());
      expect(actions).not.toContain('rds-data:ExecuteStatement');
      expect(actions.filter((a) => a.startsWith('ec2:'))).toEqual([]);
      const secrets = statements.filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
      expect(secrets.map((s) => s.Resource)).toEqual([SECRET]);
    }
  });

  it('bundles the PostgreSQL driver into runSource and check only, and trusts RDS’s certificates there', () => {
    const bundled = (name: string, file: string) =>
      readFileSync(join(unpackFunction(name), 'functions', file), 'utf8').includes('SCRAM-SHA-256');
    expect(bundled('runSource', 'run-source.js')).toBe(true);
    expect(bundled('check', 'check.js')).toBe(true);
    expect(bundled('dispatch', 'dispatch.js')).toBe(false);
    expect(bundled('notify', 'notify.js')).toBe(false);
    const variables = (fn: string) =>
      (functionOf(fn).Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables('RunSourceLambdaFunction').NODE_EXTRA_CA_CERTS).toBe('/var/runtime/ca-cert.pem');
    expect(variables('DispatchLambdaFunction').NODE_EXTRA_CA_CERTS).toBeUndefined();
  });
});

describe('npx sls package of the shipped checks/ (Data API only)', () => {
  it('puts no function in a VPC and bundles no driver', () => {
    const { code } = sls(['package', '--stage', 'test']);
    expect(code).toBe(0);
    const resources = packagedResources();
    const functions = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions.map((f) => f.Properties.VpcConfig).filter(Boolean)).toEqual([]);
    const runSource = readFileSync(join(unpackFunction('runSource'), 'functions', 'run-source.js'), 'utf8');
    expect(runSource).not.toContain('SCRAM-SHA-256');
  });
});

/**
 * A function as Lambda runs it: its zip unpacked outside the project, so that nothing but the zip and
 * what the nodejs22.x runtime provides (the AWS SDK v3) can be required.
 */
function unpackFunction(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `stalewatch-${name}-`));
  execFileSync('unzip', ['-q', join(ROOT, '.serverless', `${name}.zip`), '-d', dir]);
  return dir;
}

/** A folder holding only what the Lambda runtime provides, for NODE_PATH. */
function runtimeModules(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'stalewatch-runtime-')), 'node_modules');
  mkdirSync(dir);
  for (const scope of ['@aws-sdk', '@smithy'])
    symlinkSync(join(ROOT, 'node_modules', scope), join(dir, scope));
  return dir;
}

/** Calls `handler` of the unpacked bundle in a fresh Node process (a cold start), with `env`. */
function invokeBundle(dir: string, file: string, payload: unknown, env: Record<string, string>) {
  const script = `require(${JSON.stringify(join(dir, 'functions', file))})
    .handler(${JSON.stringify(payload)}, { getRemainingTimeInMillis: () => 60000, functionName: 'test' })
    .then((answer) => process.stdout.write(JSON.stringify(answer)), (error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });`;
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = require('node:child_process').spawn(process.execPath, ['-e', script], { cwd: dir, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    child.on('close', (code: number | null) => resolve({ code, stdout, stderr }));
  });
}

describe('the packaged runSource and check on data six years old, with dueBy checks', () => {
  // The deployed code must judge a deadline in any year, not only in those whose days off packaging
  // precomputed. The checks are the shipped checks/ (placements/nightly-sync: "0 7 * * 1-5" and
  // nightly-sync/succeeded: "30 6 * * 1-5", England and Wales bank holidays); the last update is
  // Christmas Eve six years back, so that the deadlines skip bank holidays of that year.
  const now = new Date();
  const year = now.getUTCFullYear() - 6;
  const lastUpdate = `${year}-12-24 08:00:00`;
  const dueByChecks = ['placements/nightly-sync', 'nightly-sync/succeeded'];
  let db: PGlite;
  let expected: Array<Record<string, unknown>>;
  let env: Record<string, string>;
  let stop: () => Promise<unknown>;

  beforeAll(async () => {
    // Prepare: the package, the shipped tables over the local Data API, and the AWS stand-ins.
    const { code, stderr } = sls(['package', '--stage', 'test']);
    if (code !== 0) throw new Error(`sls package failed:\n${stderr}`);
    db = await PGlite.create();
    await db.exec(`
      CREATE TABLE placement (id int, status text, last_modified timestamp);
      INSERT INTO placement VALUES (1, 'CURRENT', '${lastUpdate}');
      CREATE TABLE sync_job_run (id int, status text, finished_at timestamptz);
      INSERT INTO sync_job_run VALUES (1, 'SUCCESS', '${lastUpdate}+00');
      CREATE TABLE programme_membership (id int, updated_at timestamp);
      CREATE TABLE trainee (id int, updated_at timestamp);`);
    const backend = await openBackend(db);
    const [api, dynamo, bus] = await Promise.all([
      startDataApi(backend),
      startDynamo(),
      startEventRecorder(),
    ]);
    await dynamo.createTable('stalewatch-test-state');
    stop = () => Promise.all([api.stop(), dynamo.stop(), bus.stop()]);
    env = {
      // The function lives on the test's clock: under libfaketime (CI's run a year ahead) its
      // variables carry over, as the package step's did, or the run would be ahead of its own clock.
      ...Object.fromEntries(
        Object.entries(process.env).filter(
          (e): e is [string, string] => /^(LD_PRELOAD|FAKETIME)/.test(e[0]) && e[1] !== undefined,
        ),
      ),
      PATH: process.env.PATH ?? '',
      NODE_PATH: runtimeModules(),
      AWS_REGION: 'eu-west-2',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_RDS_DATA: api.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
      STALEWATCH_STATE_TABLE: 'stalewatch-test-state',
      STALEWATCH_EVENT_BUS: 'stalewatch-test',
      STALEWATCH_CONFIG_FILE: '.stalewatch/compiled-checks.json',
      TIS_CLUSTER_ARN: 'arn:aws:rds:eu-west-2:111122223333:cluster:tis',
      TIS_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-2:111122223333:secret:tis-AbCdEf',
      POWERTOOLS_LOG_LEVEL: 'CRITICAL',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    // What the source code (with date-holidays installed) says about the same checks and data.
    const config = await loadConfig({ dir: join(ROOT, 'checks'), env: {} });
    const report = await runChecks({
      config,
      checks: config.checks.filter((c) => dueByChecks.includes(c.id)),
      connectors: { tis: connectorForUrl('tis', db) },
      now,
      runId: 'expected',
    });
    expected = toRunJson(report, config).results.map(({ id, status, staleSince }) => ({
      id,
      status,
      staleSince,
    }));
    // Packaging six functions takes a minute and more on a loaded machine: the package step's own limit.
  }, 180_000);

  afterAll(async () => {
    await stop?.();
    await db?.close();
  });

  const judged = (answer: { results: Array<Record<string, unknown>> }) =>
    answer.results
      .filter((r) => dueByChecks.includes(r.id as string))
      .map(({ id, status, staleSince }) => ({ id, status, staleSince }));

  it('runSource judges the deadlines as the source code does, holidays of that year included', async () => {
    // Act
    const out = await invokeBundle(
      unpackFunction('runSource'),
      'run-source.js',
      { source: 'tis', runId: 'r1', now: now.toISOString() },
      env,
    );
    // Assess (stderr shown if it failed: on the old package, "Cannot find module 'date-holidays'")
    expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: '' });
    expect(judged(JSON.parse(out.stdout))).toEqual(expected);
    // The deadline missed is in that year, after Christmas: not a day the compiled config holds.
    for (const r of expected) {
      expect(r.status).toBe('fail');
      expect(String(r.staleSince).slice(0, 4)).toBe(String(year));
      expect(String(r.staleSince).slice(5, 10) > '12-26').toBe(true);
    }
  });

  it('check answers the same on a dry run', async () => {
    const out = await invokeBundle(
      unpackFunction('check'),
      'check.js',
      { only: ['placements', 'nightly-sync'], now: now.toISOString(), dryRun: true },
      env,
    );
    expect({ code: out.code, stderr: out.stderr }).toEqual({
      code: 0,
      stderr: expect.not.stringContaining('Error'),
    });
    expect(judged(JSON.parse(out.stdout))).toEqual(expected);
  });

  it('check refuses a bad payload with a stack trace that names our source files, through the shipped source map', async () => {
    // Prepare: the deployed functions' NODE_OPTIONS, as the template sets them.
    const template = packagedResources().CheckLambdaFunction?.Properties as {
      Environment: { Variables: Record<string, string> };
    };
    const nodeOptions = template.Environment.Variables.NODE_OPTIONS ?? '';
    expect(nodeOptions).toContain('--enable-source-maps');
    // Act
    const out = await invokeBundle(
      unpackFunction('check'),
      'check.js',
      { onyl: ['placements'] },
      {
        ...env,
        NODE_OPTIONS: nodeOptions,
      },
    );
    // Assess
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/^InvalidPayloadError: Bad check payload: "onyl" is not a field/);
    expect(out.stderr).toMatch(/lib\/app\/payloads\.ts:\d+:\d+/);
  });
});

describe('npx sls print', () => {
  it('resolves the variables without writing the packaged files (only a package or a local invoke does)', () => {
    // Prepare: a packaged compiled config whose content we know
    const compiledPath = join(ROOT, '.stalewatch', 'compiled-checks.json');
    mkdirSync(join(ROOT, '.stalewatch'), { recursive: true });
    const before = '{"written":"by this test"}';
    writeFileSync(compiledPath, before);

    // Act
    const { code, stderr } = sls(['print', '--stage', 'test']);

    // Assess: the template resolved, and the file on disk is still the one this test wrote
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    expect(readFileSync(compiledPath, 'utf8')).toBe(before);
  });
});

describe('notify’s and digest’s IAM for contacts’ webhooks', () => {
  it('lets notify and digest read each Teams webhook a contact names, as Slack’s, and no other', () => {
    // Prepare: the shipped checks/, the placements lead also on Teams (SSM), the trainee lead (Secrets Manager).
    const dir = mkdtempSync(join(tmpdir(), 'stalewatch-checks-'));
    cpSync(join(ROOT, 'checks'), dir, { recursive: true });
    const settings = join(dir, 'stalewatch.yml');
    writeFileSync(
      settings,
      readFileSync(settings, 'utf8')
        .replace(
          'slack: ${ssm:/stalewatch/slack/placements}',
          'slack: ${ssm:/stalewatch/slack/placements}\n    teams: ${ssm:/stalewatch/teams/placements}',
        )
        .replace(
          'slack: ${ssm:/stalewatch/slack/trainees}',
          'slack: ${ssm:/stalewatch/slack/trainees}\n    teams: ${secret:stalewatch/teams/trainees}',
        ),
    );
    const script = `require(${JSON.stringify(join(ROOT, 'serverless', 'config.js'))})({ options: { stage: 'test' } })
      .then((c) => process.stdout.write(JSON.stringify({ notify: c.notifierStatements, digest: c.digestStatements })));`;
    // Act
    const out = JSON.parse(
      execFileSync(process.execPath, ['-e', script], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, STALEWATCH_CHECKS_DIR: dir },
      }),
    ) as Record<'notify' | 'digest', Statement[]>;
    // Assess
    for (const statements of [out.notify, out.digest]) {
      const of = (action: string) =>
        JSON.stringify(statements.find((s) => [s.Action].flat().includes(action))?.Resource);
      expect(of('ssm:GetParameter')).toContain('parameter/stalewatch/teams/placements');
      expect(of('ssm:GetParameter')).toContain('parameter/stalewatch/slack/placements');
      expect(of('secretsmanager:GetSecretValue')).toContain('secret:stalewatch/teams/trainees-*');
      expect(of('secretsmanager:GetSecretValue')).not.toMatch(/"\*"/);
    }
  });
});
