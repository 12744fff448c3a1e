// What serverless.yml takes from checks/ at package time: the schedule, the sources' ARNs (for
// least-privilege IAM) and the environment the functions need to read the same config in Lambda.
// `${file(./serverless/config.js):…}` in serverless.yml calls this.
require('tsx/cjs');
const { join, relative, resolve } = require('node:path');
const { loadConfig, sourceVariables } = require('../lib/config/load.ts');
const { deployedSchedules } = require('../lib/core/time/deployed-schedules.ts');
const { dispatchAlarmWindow } = require('../lib/core/time/alarm-window.ts');
const { STATE_TABLE_KEYS, TTL_ATTRIBUTE } = require('../lib/adapters/aws/table.ts');
const { compileConfig, precomputedHolidayYears } = require('../lib/config/compiled.ts');
const { COMPILED_CONFIG_FILE } = require('../lib/runtime/lambda/environment.ts');
const { PACKAGED_HOLIDAYS_FILE } = require('../lib/core/time/holidays.ts');
const { alarmNameFilter } = require('../lib/config/alarm.ts');
const { mkdirSync, writeFileSync } = require('node:fs');
const { buildSync } = require('esbuild');

const ROOT = join(__dirname, '..');

/** The compiled config of the last resolution in this process (null: serverless.yml never asked). */
let compiled = null;

/** `checks/` beside serverless.yml; STALEWATCH_CHECKS_DIR packages another tree (tests, monorepos). */
const CHECKS = process.env.STALEWATCH_CHECKS_DIR ?? join(__dirname, '..', 'checks');

/**
 * date-holidays bundled on its own, for runSource and check to load when a deadline falls in a year
 * that the compiled config has no days off for (lib/core/time/holidays.ts, docs/operations.md "Bundles").
 */
function writeHolidaysBundle() {
  buildSync({
    entryPoints: [require.resolve('date-holidays')],
    outfile: join(ROOT, PACKAGED_HOLIDAYS_FILE),
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    logLevel: 'error',
  });
}

/**
 * An ARN that names what is missing, for a source whose ARN was not set when packaging: `sls package`
 * and `sls invoke local` work without it (for review, CI and laptops); `sls deploy` refuses it.
 */
const placeholder = (region, service, resource) => `arn:aws:${service}:${region}:000000000000:${resource}`;

/** The dispatch-not-running alarm's Period and EvaluationPeriods: twice runEvery (docs/operations.md). */
function dispatchAlarmOf(runEvery) {
  const window = dispatchAlarmWindow(runEvery);
  // validate refuses such a runEvery first (lib/config/schema.ts); this only guards the template.
  if (!window) throw new Error(`runEvery: "${runEvery}" is too long for CloudWatch to watch twice over`);
  return window;
}

const arn = (service, resource) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`,
});

/**
 * notify's and digest's IAM: the state table (sent records, held messages, snoozes, stale checks), the
 * webhook secrets the contacts name and the sender address parameter, and sending email.
 */
function notifierStatements(config, stage) {
  // Every webhook a contact names (Slack, Teams): read by notify and digest, and nothing else.
  const refs = Object.values(config.settings.contacts).flatMap((c) => [c.slack, c.teams].filter(Boolean));
  const parameters = [
    `/stalewatch/${stage}/email-from`,
    ...refs.filter((r) => r.store === 'ssm').map((r) => r.name),
  ];
  const secrets = refs.filter((r) => r.store === 'secret').map((r) => r.name);
  return [
    {
      Effect: 'Allow',
      Action: [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        // The latest event per check and contact (holds.ts isLatest) is a conditional UpdateItem.
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:Query',
        'dynamodb:Scan',
      ],
      Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
    },
    {
      Effect: 'Allow',
      Action: ['ssm:GetParameter'],
      Resource: [...new Set(parameters)].map((p) => arn('ssm', `parameter${p}`)),
    },
    ...(secrets.length > 0
      ? [
          {
            Effect: 'Allow',
            Action: ['secretsmanager:GetSecretValue'],
            Resource: [...new Set(secrets)].map((n) => arn('secretsmanager', `secret:${n}-*`)),
          },
        ]
      : []),
    { Effect: 'Allow', Action: ['ses:SendEmail'], Resource: arn('ses', 'identity/*') },
    // What Lambda still cannot deliver after its retries goes to the dead-letter queue (onFailure).
    {
      Effect: 'Allow',
      Action: ['sqs:SendMessage'],
      Resource: { 'Fn::GetAtt': ['NotifyDeadLetterQueue', 'Arn'] },
    },
  ];
}

/**
 * The interactions function's IAM: acknowledgements and snoozes in the state table, and the Slack app's
 * signing secret (Secrets Manager, or SSM) that `slackApp.signingSecret` names; nothing else.
 */
function interactionsStatements(config) {
  const ref = config.settings.slackApp?.signingSecret;
  return [
    {
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
    },
    ...(ref?.store === 'secret'
      ? [
          {
            Effect: 'Allow',
            Action: ['secretsmanager:GetSecretValue'],
            Resource: arn('secretsmanager', `secret:${ref.name}-*`),
          },
        ]
      : []),
    ...(ref?.store === 'ssm'
      ? [{ Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: arn('ssm', `parameter${ref.name}`) }]
      : []),
  ];
}

/**
 * notify's rule on the default bus for the alarms that alarm files watch: `CloudWatch Alarm State Change`
 * events of exactly those names, and of names starting with their prefixes (EventBridge's `prefix`
 * matching). With no alarm file there is no rule: a disabled schedule takes the event's place.
 */
function alarmEventOf(config) {
  const names = alarmNameFilter(config.alarms);
  if (names.length === 0)
    return { schedule: { rate: 'rate(1 day)', enabled: false, input: { release: true } } };
  return {
    eventBridge: {
      pattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: { alarmName: names },
      },
      retryPolicy: { maximumEventAge: 86400, maximumRetryAttempts: 10 },
      deadLetterQueueArn: { 'Fn::GetAtt': ['NotifyDeadLetterQueue', 'Arn'] },
    },
  };
}

/**
 * The IAM of runSource and check (least privilege; nothing here is Resource "*"): the Data API on the
 * clusters of `data-api` sources only, each source's secret only (the Data API's credentials, or a direct
 * source's RDS-style secret), the state table (states, history, and the outbox, which runs Query per
 * source) and the bus. What a VPC function needs for its network interfaces comes with its VPC
 * (serverless-iam-roles-per-function adds AWSLambdaVPCAccessExecutionRole to that function's role).
 */
function checkRunnerStatements(clusterArns, secretArns) {
  return [
    ...(clusterArns.length > 0
      ? [{ Effect: 'Allow', Action: ['rds-data:ExecuteStatement'], Resource: clusterArns }]
      : []),
    { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: secretArns },
    {
      Effect: 'Allow',
      Action: [
        'dynamodb:BatchGetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:Query',
      ],
      Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
    },
    { Effect: 'Allow', Action: ['events:PutEvents'], Resource: { 'Fn::GetAtt': ['EventBus', 'Arn'] } },
  ];
}

/** What serverless-esbuild leaves out of every bundle (serverless.yml explains each). */
const NOT_BUNDLED = [
  '@aws-sdk/*',
  '@smithy/*',
  '@electric-sql/pglite',
  'pg',
  'pg-native',
  'mysql2',
  'date-holidays',
  'tsx',
  'esbuild',
];

/** The driver package of each engine, bundled into runSource and check when a source is `direct`. */
const DRIVER = { postgres: 'pg', mysql: 'mysql2' };

/**
 * runSource's and check's VPC, for `direct` sources (false when there is none: no VpcConfig at all). An
 * id left as `${env:NAME}` because NAME was not set is packaged as it is, and refused by `sls deploy`.
 */
function vpcOf(config) {
  const direct = Object.values(config.settings.sources).some((s) => s.connection === 'direct');
  const vpc = config.settings.vpc;
  if (!direct || !vpc) return { vpc: false, unset: [] };
  const ids = [...vpc.subnetIds, ...vpc.securityGroupIds];
  const unset = ids.flatMap((id) => /^\$\{env:(\w+)\}$/.exec(id)?.[1] ?? []);
  return { vpc: { subnetIds: vpc.subnetIds, securityGroupIds: vpc.securityGroupIds }, unset };
}

/**
 * The config, or an error whose message is the located problems. osls prints a thrown error's stack;
 * a config error is for the person who wrote the config, so its stack is its message.
 */
async function readConfig() {
  try {
    const shown = relative(process.cwd(), resolve(CHECKS));
    const config = await loadConfig({
      dir: shown.startsWith('..') ? resolve(CHECKS) : shown || '.',
      env: process.env,
    });
    // The same functions validate's schema uses: what validate accepts deploys as the config means.
    return { config, schedules: deployedSchedules(config.settings, new Date()) };
  } catch (error) {
    if (error?.name !== 'ConfigError' && error?.name !== 'UndeployableScheduleError') throw error;
    const refusal = new Error(`stalewatch: checks/ cannot be packaged.\n${error.message}`);
    refusal.stack = refusal.message;
    throw refusal;
  }
}

module.exports = async ({ options = {} } = {}) => {
  const region = options.region ?? 'eu-west-2';
  const { config, schedules } = await readConfig();
  // The functions read this instead of checks/: no YAML parser or schema in them, and the days off
  // of the years around now, so that the holiday library loads only for another year. Variable
  // resolution only computes it; the plugin below writes it when a package or a local invoke starts.
  compiled = compileConfig(config, precomputedHolidayYears(new Date()));
  const sources = Object.values(config.settings.sources);
  const vpc = vpcOf(config);
  const unset = new Set([...sources.flatMap((s) => s.unsetVariables), ...vpc.unset]);
  if (unset.size > 0 && process.argv.includes('deploy')) {
    throw new Error(
      `Set ${[...unset].join(', ')} before deploying: the sources' ARNs${vpc.unset.length > 0 ? ' and the VPC' : ''} come from them (checks/stalewatch.yml)`,
    );
  }
  for (const name of unset) {
    process.stderr.write(
      `stalewatch: ${name} is not set; IAM and the functions name a placeholder ARN. Set it before deploying.\n`,
    );
  }
  const missing = (text) => /^\$\{env:(\w+)\}$/.exec(text)?.[1].toLowerCase().replaceAll('_', '-');
  const clusterArn = (s) =>
    missing(s.resourceArn)
      ? placeholder(region, 'rds', `cluster:unset-${missing(s.resourceArn)}`)
      : s.resourceArn;
  const secretArn = (s) =>
    missing(s.secretArn)
      ? placeholder(region, 'secretsmanager', `secret:unset-${missing(s.secretArn)}`)
      : s.secretArn;
  const dataApi = sources.filter((s) => s.connection !== 'direct');
  const direct = sources.filter((s) => s.connection === 'direct');
  const environment = {};
  // Only what the sources' resourceArn, secretArn and database name: never a variable written elsewhere in
  // checks/ (a comment, a title), which would copy the packaging machine's secrets into the functions.
  for (const name of sourceVariables(CHECKS)) {
    const source = sources.find(
      (s) => s.resourceArn === `\${env:${name}}` || s.secretArn === `\${env:${name}}`,
    );
    if (!unset.has(name)) environment[name] = process.env[name];
    else if (source)
      environment[name] = source.resourceArn === `\${env:${name}}` ? clusterArn(source) : secretArn(source);
  }
  // Node 20 and later runtimes trust only Node's own CAs unless told: RDS's come with the runtime here.
  if (direct.some((s) => s.tls)) environment.NODE_EXTRA_CA_CERTS = '/var/runtime/ca-cert.pem';
  const clusterArns = [...new Set(dataApi.map(clusterArn))];
  const secretArns = [...new Set(sources.map(secretArn))];
  const drivers = new Set(direct.map((s) => DRIVER[s.engine]));
  return {
    schedule: schedules.dispatch,
    dispatchAlarm: dispatchAlarmOf(config.settings.runEvery),
    timezone: schedules.digest.timezone,
    digest: schedules.digest.expression,
    notifierStatements: notifierStatements(config, options.stage ?? 'dev'),
    interactionsStatements: interactionsStatements(config),
    alarmEvent: alarmEventOf(config),
    // EventBridge Scheduler invokes digest with digest's own role (by name: GetAtt would be circular).
    digestStatements: [
      ...notifierStatements(config, options.stage ?? 'dev'),
      {
        Effect: 'Allow',
        Action: ['lambda:InvokeFunction'],
        Resource: arn('lambda', `function:stalewatch-${options.stage ?? 'dev'}-digest`),
      },
    ],
    checkRunnerStatements: checkRunnerStatements(clusterArns, secretArns),
    // runSource alone also writes the status page: PutObject of that one key in the stack's bucket.
    sourceRunnerStatements: [
      ...checkRunnerStatements(clusterArns, secretArns),
      // The page says who is on each dataset: one GetItem per acknowledgement (DATASET#<id>, ACK).
      { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] } },
      {
        Effect: 'Allow',
        Action: ['s3:PutObject'],
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['StatusBucket', 'Arn'] }, '/index.html']] },
      },
      // An invocation that still fails after Lambda's retries goes to the dead-letter queue (onFailure),
      // whose alarm is how a failing runSource reaches the platform team (docs/operations.md "Alarms").
      {
        Effect: 'Allow',
        Action: ['sqs:SendMessage'],
        Resource: { 'Fn::GetAtt': ['NotifyDeadLetterQueue', 'Arn'] },
      },
    ],
    // Only runSource and check have a VPC, and only when a source is direct (docs/deploy.md).
    vpc: vpc.vpc,
    // The drivers of direct sources are bundled (into runSource and check only: serverless/esbuild-plugins.js).
    notBundled: NOT_BUNDLED.filter((name) => !drivers.has(name)),
    environment,
    // runSource alone writes the status page (SPEC.md "A page people can look at").
    runSourceEnvironment: { ...environment, STALEWATCH_STATUS_BUCKET: { Ref: 'StatusBucket' } },
    tableKeys: STATE_TABLE_KEYS,
    ttlAttribute: TTL_ATTRIBUTE,
  };
};

/**
 * The files the functions carry beside their bundle (`package.patterns`): the compiled config and the
 * holiday library. Written by {@link CompileChecksPlugin} before packaging or a local invoke, never
 * while serverless.yml's variables are being resolved (which `sls print` also does).
 */
function writePackagedFiles() {
  if (compiled === null)
    throw new Error('stalewatch: checks/ were not compiled (serverless.yml must use serverless/config.js)');
  const compiledPath = join(ROOT, COMPILED_CONFIG_FILE);
  mkdirSync(join(compiledPath, '..'), { recursive: true });
  writeFileSync(compiledPath, compiled);
  writeHolidaysBundle();
}

/** A local Serverless plugin (listed first in serverless.yml) that writes the packaged files. */
class CompileChecksPlugin {
  constructor() {
    this.hooks = {
      'before:package:createDeploymentArtifacts': writePackagedFiles,
      'before:deploy:function:packageFunction': writePackagedFiles,
      'before:invoke:local:invoke': writePackagedFiles,
    };
  }
}

module.exports.CompileChecksPlugin = CompileChecksPlugin;
