import * as z from 'zod';
import { cronProblem } from '../core/time/cron';
import { digestProblem, runEveryProblem } from '../core/time/deployed-schedules';
import { DURATION_PATTERN, durationProblem, durationSeconds, MAX_DURATION } from '../core/time/duration';
import { isKnownRegion, REGION_ALIASES } from '../core/time/holidays';
import { isTimeZone, readLocalDateTime, readTimeZone } from '../core/time/zone';
import { CONTROL_CHARACTER, looksSecret, quote } from '../core/util/quote';
import { WHERE_MAX_LENGTH } from './sql/limits';

/**
 * The format of `checks/`: one zod schema per kind of file. It is the single place where fields, their
 * defaults and their rules are declared; the JSON Schema for editors is generated from it
 * (`npm run schema`), and every message here says what is wrong and how to write it instead.
 */

/** A value in a message: quoted, shortened, never a secret (lib/core/util/quote.ts). */
const show = quote;

/** A rule on text: a regular expression (published in the JSON Schema) or a test, and the message. */
interface TextRule {
  pattern?: string;
  test?: (s: string) => boolean;
  /** The message for a refused value; show the value with `show`, which never shows a secret. */
  explain?: (s: string) => string;
  /** Text that may span lines (impact, action); other text is one line. */
  multiLine?: boolean;
}

/** The control character in `s`, as `U+001B`, or null. */
function controlCharacterIn(s: string, multiLine: boolean): string | null {
  const found = CONTROL_CHARACTER.exec(s)?.[0] ?? (!multiLine && /[\n\t]/.exec(s)?.[0]) ?? null;
  return found ? `U+${found.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : null;
}

/**
 * How long a free text may be: what it has to fit in once it reaches an event or a message (a Slack
 * header holds 150 characters, a section 3,000; docs/config.md "Lengths"), and what to do instead.
 */
interface TextLimit {
  max: number;
  fits: string;
  fix: string;
}

/**
 * What Slack and mail programs turn into a live link in text: a scheme (`https:`, `mailto:`), `www.`, or
 * a domain name with a common ending. A title or a contact name is shown as a heading or a name, where a
 * link would be config text made into something to click (docs/alerts.md "Escaping").
 */
const LINK_IN_TEXT =
  /[a-z][a-z0-9+.-]*:\/\/|\b(mailto|tel|slack):|\bwww\.|\b[a-z0-9-]+\.(com|net|org|io|co|uk|dev|app|info|biz|me|ly|link|xyz|gov|edu|eu|de|fr|nl)\b/i;

/** A one-line name: no link in it. */
const NAME_RULE = (example: string): TextRule => ({
  test: (s) => !LINK_IN_TEXT.test(s),
  explain: (s) =>
    LINK_IN_TEXT.test(s)
      ? `contains a link, which Slack and email would make live — name the dataset in words, e.g. ${example}; put links in impact or action`
      : `${show(s)} is not text — for example ${example}`,
});

const TITLE_LIMIT: TextLimit = {
  max: 60,
  fits: 'in a Slack message header together with the headline around it',
  fix: 'shorten it, e.g. Trainee placements',
};
const PROSE_LIMIT: TextLimit = {
  max: 1000,
  fits: 'in one Slack section and one digest line',
  fix: 'say it in a sentence or two, and link to a runbook for the detail',
};

/** Text with an optional rule and length limit; `explain` turns a refused value into the message. */
function text(example: string, rule?: TextRule, limit?: TextLimit) {
  const base = z.string({
    error: (iss) => {
      if (iss.input === undefined) return `is required — for example ${example}`;
      // A list or a map where text goes: its text ("[object Object]") would only confuse.
      if (typeof iss.input === 'object' && iss.input !== null)
        return `is ${Array.isArray(iss.input) ? 'a list' : 'a map'}, not text — for example ${example}`;
      // A number that would pass as text: YAML read it as a number; quoting it is the fix.
      const written = String(iss.input);
      if (
        (typeof iss.input === 'number' || typeof iss.input === 'boolean') &&
        rule?.pattern &&
        new RegExp(rule.pattern).test(written)
      )
        return `${written} is a ${typeof iss.input}, not text — if it is an id, quote it: "${written}"`;
      // Another number where text goes: the rule's own words say best what was meant.
      return rule?.explain
        ? rule.explain(String(iss.input))
        : `${show(iss.input)} is not text — for example ${example}`;
    },
  });
  const multiLine = rule?.multiLine ?? false;
  // Control characters could rewrite a terminal or a Slack message; a line break breaks a title.
  const atLeastOne = base.min(1, { error: `is empty — for example ${example}` }).check(
    z.refine((s) => controlCharacterIn(s, multiLine) === null, {
      error: (iss) => {
        const found = controlCharacterIn(String(iss.input), multiLine);
        const what =
          found === 'U+000A'
            ? 'a line break'
            : found === 'U+0009'
              ? 'a tab'
              : Number.parseInt(found?.slice(2) ?? '0', 16) > 0x9f
                ? `a control character (${found}): invisible formatting, which can hide or reorder text`
                : `a control character (${found})`;
        return `contains ${what} — write plain ${multiLine ? 'text' : 'text on one line'}, e.g. ${example}`;
      },
      abort: true,
    }),
  );
  const nonEmpty = limit
    ? atLeastOne.max(limit.max, {
        error: (iss) =>
          `is ${String(iss.input).length.toLocaleString('en-GB')} characters long: at most ` +
          `${limit.max.toLocaleString('en-GB')} fit ${limit.fits} — ${limit.fix}`,
      })
    : atLeastOne;
  const explain = rule?.explain;
  if (!explain) return nonEmpty;
  const error = (iss: { input?: unknown }) => explain(String(iss.input));
  // A value that does not match the pattern gets its message alone, not every later rule's too.
  if (rule.pattern) return nonEmpty.regex(new RegExp(rule.pattern), { error, abort: true });
  return nonEmpty.refine(rule.test ?? (() => true), { error });
}

/** A duration as written in the files (`26h`, `15m`, `2d`): checked here, read by lib/core/time. */
export const duration = () =>
  text('26h', {
    pattern: DURATION_PATTERN,
    explain: (s) => durationProblem(s) ?? `${show(s)} is not a duration — write it as 26h, 90m, 2d`,
  })
    .refine((s) => durationProblem(s) === null, { error: (iss) => durationProblem(String(iss.input)) ?? '' })
    .describe(`A whole number and a unit: 90s, 45m, 26h, 2d, 1w; at most ${MAX_DURATION}.`);

const cron = (example: string) =>
  text(`"${example}"`, {
    test: (s) => cronProblem(s) === null,
    explain: (s) =>
      cronProblem(s) ??
      `${show(s)} is not a cron expression — write five fields, minute hour day-of-month month day-of-week, e.g. "${example}"`,
  });

/** Refused with the name meant when only its case is wrong; resolve.ts reads it as its canonical name. */
const timeZone = () =>
  text('Europe/London', {
    test: (s) => 'zone' in readTimeZone(s),
    explain: (s) => {
      const reading = readTimeZone(s);
      return 'problem' in reading && reading.problem.includes('did you mean')
        ? `${show(s)} ${reading.problem}`
        : `${show(s)} is not an IANA time zone — write it as Europe/London, UTC or America/New_York`;
    },
  });

const holidayRegion = () =>
  text('england-and-wales', {
    test: isKnownRegion,
    explain: (s) =>
      `${show(s)} is not a holiday region — write one of ${Object.keys(REGION_ALIASES).join(', ')}, ` +
      `a country or country-state code such as GB-SCT, IE or DE-BY, or none`,
  });

/** A newest value at most this far ahead of now counts as now (docs/semantics.md "Values in the future"). */
export const DEFAULT_FUTURE_TOLERANCE = '1h';
/**
 * The most `futureTolerance` takes: a clock more than a day fast is no skew, and counting values
 * further ahead as now would report planned dates as fresh data (docs/semantics.md).
 */
export const MAX_FUTURE_TOLERANCE = '1d';
const futureTolerance = () =>
  duration()
    .refine((d) => durationSeconds(d) <= durationSeconds(MAX_FUTURE_TOLERANCE), {
      error: (iss) =>
        `${show(iss.input)} is longer than a day, the most futureTolerance takes: a value further ahead is no clock ` +
        'running a little fast, and counting it as now would hide stale data — write 1d or less (the default is 1h); ' +
        'for a column written in local time, set columnTimezone instead',
    })
    .describe(
      'A newest value at most this far ahead of now counts as now; further ahead, the check is an error. At most 1d.',
    );

const IDENT = '[A-Za-z_][A-Za-z0-9_]{0,62}';
const TABLE_PATTERN = `^${IDENT}(\\.${IDENT})?$`;
const COLUMN_PATTERN = `^${IDENT}$`;

const tableName = () =>
  text('public.placement', {
    pattern: TABLE_PATTERN,
    explain: (s) =>
      `${show(s)} is not a plain [schema.]table name — use letters, digits and _ only, e.g. public.placement (it is quoted for you)`,
  });

const columnName = () =>
  text('last_modified', {
    pattern: COLUMN_PATTERN,
    explain: (s) =>
      `${show(s)} is not a plain column name — use letters, digits and _ only, e.g. last_modified`,
  });

/** Its SQL is read by the source engine's parser in `where.ts`, which needs the settings file too. */
const whereClause = () =>
  // SQL may span lines (a block scalar); control characters are refused all the same.
  text(
    `"status = 'CURRENT'"`,
    { multiLine: true },
    {
      max: WHERE_MAX_LENGTH,
      fits: "in the SQL that events and the platform team's messages show",
      fix: 'move a longer filter into a view, and check the view',
    },
  ).meta({
    description:
      'A SQL boolean expression on the table\'s own rows, reviewed like code: columns, literals, comparisons, AND/OR/NOT, IN, BETWEEN, LIKE, IS NULL, casts, CASE, arithmetic and the side-effect-free functions listed in docs/config.md. No subqueries, ";" or comments.',
  });

const ID_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';
const datasetId = () =>
  text(
    'placements',
    {
      pattern: ID_PATTERN,
      explain: (s) =>
        `${show(s)} is not a dataset id — use lower-case letters, digits and '-', e.g. ${
          (looksSecret(s) ? '' : s)
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, '-')
            .replace(/^-|-$/g, '') || 'placements'
        }`,
    },
    { max: 64, fits: 'in the check ids that events and messages carry', fix: 'shorten it, e.g. placements' },
  );

const NAME_PATTERN = '^[a-z][a-z0-9-]*$';
const refName = (what: string, example: string) =>
  z.string().regex(new RegExp(NAME_PATTERN), {
    error: (iss) =>
      `${show(iss.input)} is not a ${what} name — use lower-case letters, digits and '-', e.g. ${example}`,
  });

/** Refuses a name listed twice, where the second one is: a second mention is a slip (a copy-paste). */
const eachOnce = (what: string) =>
  z.superRefine((names: string[], ctx) => {
    names.forEach((name, i) => {
      if (names.indexOf(name) < i)
        ctx.addIssue({
          code: 'custom',
          path: [i],
          input: name,
          message: `${show(name)} is listed twice — name each ${what} once`,
        });
    });
  });

/** A list of contacts, each named once. */
const contactList = (example: string) => z.array(refName('contact', example)).check(eachOnce('contact'));

const ENV_REF = /^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$/;
const SSM_NAME = '/[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*';
const SECRET_REF_PATTERN = `^\\$\\{(ssm:${SSM_NAME}|secret:[A-Za-z0-9/_+=.@-]+)\\}$`;
/** A web address where the name of a parameter or secret goes: `${ssm://hooks.slack.com/…}`. */
const LOOKS_LIKE_URL =
  /:\/\/|\/\/|^\$\{(ssm|secret):\/?(https?:|[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|net|org|io|co|uk|dev|app)(\/|\}))|hooks\.slack\.com/i;
const SECRET_REF_EXAMPLE = '${ssm:/stalewatch/slack/placements}';
/** The example in a channel's errors: where that channel's webhook would be kept. */
const exampleRef = (channel: string) => SECRET_REF_EXAMPLE.replace('slack', channel);

/** Where each channel's webhook URL comes from, for the fix in an error (a new one is made there). */
const WEBHOOK_MAKER = { slack: 'make a new one in Slack', teams: 'make a new Workflow in Teams' } as const;

/** What is wrong with a `${ssm:…}` / `${secret:…}` reference that matches the pattern, or null. */
function secretRefProblem(s: string, channel: keyof typeof WEBHOOK_MAKER = 'slack'): string | null {
  const example = exampleRef(channel);
  // The name inside the reference: `${secret:` itself reads as "secret:" followed by a value.
  const name = /^\$\{(?:ssm|secret):(.*)\}$/s.exec(s)?.[1] ?? s;
  if (LOOKS_LIKE_URL.test(s) || looksSecret(name)) {
    return (
      'is a secret: keep the webhook URL in SSM Parameter Store (a SecureString) or Secrets Manager and write where it is, ' +
      `e.g. ${example} — this looks like the URL itself where the parameter's name goes (it is not shown here); ` +
      `if it is a real webhook URL, it is now in the repository: ${WEBHOOK_MAKER[channel]}`
    );
  }
  const ssm = /^\$\{ssm:(.*)\}$/.exec(s)?.[1];
  if (ssm && /^\/(aws|ssm)/i.test(ssm)) {
    return `names an SSM parameter under /aws or /ssm, which AWS keeps for itself — e.g. ${example}`;
  }
  if (ssm && (ssm.split('/').length - 1 > 15 || ssm.length > 1011)) {
    return `names an SSM parameter deeper than 15 levels or longer than 1011 characters — e.g. ${example}`;
  }
  return null;
}

const secretRef = (channel: keyof typeof WEBHOOK_MAKER = 'slack') =>
  text(exampleRef(channel), {
    pattern: SECRET_REF_PATTERN,
    explain: (s) =>
      secretRefProblem(s, channel) ??
      `is not where a secret is kept — keep the webhook URL in SSM or Secrets Manager and write where it is, e.g. ${exampleRef(channel)} or \${secret:stalewatch/${channel}}`,
  }).refine((s) => secretRefProblem(s, channel) === null, {
    error: (iss) => secretRefProblem(String(iss.input), channel) ?? '',
  });

/** A Slack member id: `U012AB3CD` (or `W…` on Enterprise Grid), as Slack shows under "Copy member ID". */
const SLACK_USER_PATTERN = '^[UW][A-Z0-9]{2,}$';

const arn = (service: string, example: string) =>
  text(example, {
    test: (s) => s.startsWith(`arn:aws`) || ENV_REF.test(s),
    explain: (s) =>
      `${show(s)} is not an ARN — write the ${service} ARN, or \${env:NAME} to read it from the environment`,
  });

const positiveCount = (example: number) =>
  z
    .number({
      error: (iss) => `${show(iss.input)} is not a number — write a whole number such as ${example}`,
    })
    .int({ error: (iss) => `${show(iss.input)} is not a whole number — e.g. ${example}` })
    .min(0, { error: `must be 0 or more — e.g. ${example}` });

const percent = () =>
  z
    .number({ error: (iss) => `${show(iss.input)} is not a number — write a percentage such as 20` })
    .gt(0, { error: 'must be more than 0 — e.g. 20 for a fall of a fifth' })
    .max(100, { error: 'must be at most 100 — e.g. 20 for a fall of a fifth' });

const QUIET_HOURS_PATTERN = '^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9](, ?weekends)?$';

/** The RDS Data API stops a statement after 45 s, whatever the database's own limit. */
const DATA_API_CAP_SECONDS = 45;

/** How a source is reached: the RDS Data API (Aurora), or its own driver from inside the VPC. */
export const CONNECTIONS = ['data-api', 'direct'] as const;

const DIRECT_EXAMPLE =
  'vpc: {subnetIds: [subnet-0a1b2c3d4e5f60718], securityGroupIds: [sg-0a1b2c3d4e5f60718]}';

/** A source in `stalewatch.yml`'s `sources:`: one database and how it is reached. */
export const sourceSchema = z
  .strictObject({
    engine: z
      .enum(['postgres', 'mysql'], {
        error: (iss) => `${show(iss.input)} is not an engine — write postgres or mysql`,
      })
      .describe('The SQL dialect of the source.'),
    connection: z
      .enum(CONNECTIONS, {
        error: (iss) =>
          `${show(iss.input)} is not a connection — write data-api (Aurora, through the RDS Data API, the default) or direct (the pg or mysql2 driver, from inside the VPC given by vpc:)`,
      })
      .default('data-api')
      .describe(
        'data-api (default): Aurora through the RDS Data API, with resourceArn. direct: the pg or mysql2 driver from inside the VPC of `vpc:`, with the host, port, user, password and database from the RDS-style secret at secretArn.',
      ),
    resourceArn: arn('Aurora cluster', '${env:TIS_CLUSTER_ARN}')
      .optional()
      .describe('The Aurora cluster, for connection: data-api.'),
    secretArn: arn('Secrets Manager secret', '${env:TIS_SECRET_ARN}').describe(
      'The Secrets Manager secret: for direct, an RDS-style secret (host, port, username, password, dbname).',
    ),
    database: text('tis', {
      // `${ssm:…}` and `${secret:…}` are resolved only by the code that sends messages (SPEC.md
      // "Configuration"): here one would reach the database as its name.
      test: (s) => !/:\/\/|@/.test(s) && !/\$\{(ssm|secret):/.test(s),
      explain: (s) =>
        /\$\{(ssm|secret):/.test(s)
          ? "is a reference that only messages' webhooks may use — write the database's name, e.g. tis, or ${env:NAME} to read it from the environment when the config is loaded"
          : 'is a database name, not a connection string — write the name of the database, e.g. tis (the source is reached through resourceArn and secretArn)',
    })
      .optional()
      .describe("The database's name; for direct, the secret's dbname when left out."),
    tls: z
      .boolean({
        error: (iss) =>
          `${show(iss.input)} is not true or false — write tls: true (the default) or tls: false`,
      })
      .default(true)
      .describe(
        "For direct: encrypt the connection and verify the server's certificate (default true; RDS CAs through NODE_EXTRA_CA_CERTS). false only for a database on a private network without TLS.",
      ),
    columnTimezone: timeZone()
      .optional()
      .describe('The zone that `timestamp without time zone` values are written in. Default: UTC.'),
    futureTolerance: futureTolerance().default(DEFAULT_FUTURE_TOLERANCE),
    statementTimeout: duration()
      .refine((d) => durationSeconds(d) < DATA_API_CAP_SECONDS, {
        error: (iss) =>
          `"${String(iss.input)}" is too long — the Data API stops every statement after ${DATA_API_CAP_SECONDS} s; write at most 44s, e.g. 30s`,
      })
      .default('30s')
      .describe('The longest one statement on this source may run before the database stops it (below 45s).'),
  })
  .check((ctx) => {
    // Through the Data API, the cluster and the database name are needed; direct reads both from the secret.
    if (ctx.value.connection !== 'data-api') return;
    for (const [field, example] of [
      ['resourceArn', '${env:TIS_CLUSTER_ARN}'],
      ['database', 'tis'],
    ] as const) {
      if (ctx.value[field] === undefined) {
        ctx.issues.push({
          code: 'custom',
          input: ctx.value,
          path: [field],
          message: `is required to reach the source through the RDS Data API — e.g. ${field}: ${example}, or write connection: direct to use the driver with the secret's host and database`,
        });
      }
    }
  })
  .describe('A database: Aurora through the RDS Data API, or reached directly from inside the VPC.');

const awsId = (prefix: string, example: string) =>
  text(example, {
    test: (s) => new RegExp(`^${prefix}-[0-9a-f]{8,17}$`).test(s) || ENV_REF.test(s),
    explain: (s) =>
      `${show(s)} is not a ${prefix === 'sg' ? 'security group' : 'subnet'} id — write it as ${example}, or \${env:NAME} to read it from the environment`,
  });

/** The VPC that the functions running checks join to reach `connection: direct` sources. */
export const vpcSchema = z
  .strictObject({
    subnetIds: z
      .array(awsId('subnet', 'subnet-0a1b2c3d4e5f60718'), {
        error: () => `must be a list of subnet ids — e.g. subnetIds: [subnet-0a1b2c3d4e5f60718]`,
      })
      .min(1, { error: 'is empty — list at least one subnet, e.g. [subnet-0a1b2c3d4e5f60718]' })
      .max(16, {
        error:
          'lists more than 16 subnets, the most a Lambda function takes — keep the private ones that reach the database',
      }),
    securityGroupIds: z
      .array(awsId('sg', 'sg-0a1b2c3d4e5f60718'), {
        error: () => `must be a list of security group ids — e.g. securityGroupIds: [sg-0a1b2c3d4e5f60718]`,
      })
      .min(1, { error: 'is empty — list at least one security group, e.g. [sg-0a1b2c3d4e5f60718]' })
      .max(5, {
        error:
          'lists more than 5 security groups, the most a Lambda function takes — e.g. one that the database lets in',
      }),
  })
  .describe(
    'The subnets and security groups of runSource and check, for sources with connection: direct (private subnets that reach the database).',
  );

/** A contact in `stalewatch.yml`'s `contacts:`: who they are, what they read, where they hear. */
export const contactSchema = z.strictObject({
  name: text('Placements data lead', NAME_RULE('Placements data lead'), {
    max: 60,
    fits: 'in "Who is on it" in messages',
    fix: 'shorten it, e.g. Placements data lead',
  }),
  audience: z.enum(['data-lead', 'platform', 'product-lead'], {
    error: (iss) => `${show(iss.input)} is not an audience — write data-lead, platform or product-lead`,
  }),
  slack: secretRef()
    .optional()
    .describe('Where the Slack webhook URL is kept: ${ssm:/path} or ${secret:name}.'),
  slackUser: text('U012AB3CD', {
    pattern: SLACK_USER_PATTERN,
    explain: (s) =>
      `${show(s)} is not a Slack member id — copy it from their Slack profile (⋮ → Copy member ID), e.g. U012AB3CD`,
  })
    .optional()
    .describe("The contact's Slack member id (U012AB3CD): their Slack messages mention them."),
  teams: secretRef('teams')
    .optional()
    .describe('Where the Teams Workflows webhook URL is kept: ${ssm:/path} or ${secret:name}.'),
  email: z
    .email({
      error: (iss) => `${show(iss.input)} is not an email address — e.g. placements-data@example.org`,
    })
    .optional(),
});

/** `settings.notify`: where errors go, how often reminders and the digest come, and quiet hours. */
export const notifySchema = z.strictObject({
  errorsTo: refName('contact', 'platform')
    .optional()
    .describe('The contact who hears about checks that could not run.'),
  remindEvery: duration()
    .default('24h')
    .describe('A dataset that stays stale is mentioned again this often.'),
  digest: cron('0 8 * * 1-5')
    .default('0 8 * * 1-5')
    .describe('When each contact gets the digest, in `timezone`.'),
  quietHours: text('"19:00-08:00"', {
    pattern: QUIET_HOURS_PATTERN,
    explain: (s) =>
      `${show(s)} is not a range of hours — write it as "19:00-08:00", or "19:00-08:00, weekends"`,
  })
    .optional()
    .describe('Non-urgent messages wait until these hours end; add ", weekends" to keep weekends quiet too.'),
});

/**
 * Which CloudWatch metrics a run emits: `run`, a few per run whatever its number of checks; `perCheck`,
 * also each check's status and age (docs/operations.md "Costs": CloudWatch bills every metric monthly).
 */
const metricsLevel = () =>
  z.enum(['run', 'perCheck'], {
    error: (iss) => `${show(iss.input)} is not a metrics level — write run (the default) or perCheck`,
  });

/** `checks/stalewatch.yml`: settings, sources and contacts. */
export const settingsSchema = z
  .strictObject({
    timezone: timeZone()
      .default('Europe/London')
      .describe('How times are shown and schedules are read (IANA name).'),
    runEvery: duration()
      .refine((s) => runEveryProblem(s) === null, {
        error: (iss) => runEveryProblem(String(iss.input)) ?? '',
      })
      .default('15m')
      .describe('How often the deployed service runs every check: whole minutes, 1m to 84h (15m, 1h).'),
    sources: z.record(refName('source', 'tis'), sourceSchema),
    vpc: vpcSchema.optional(),
    contacts: z.record(refName('contact', 'placements-lead'), contactSchema).default({}),
    notify: notifySchema.prefault({}),
    holidays: holidayRegion().optional().describe('No deadline falls on these public holidays.'),
    slackApp: z
      .strictObject({
        signingSecret: secretRef().describe(
          "Where the Slack app's signing secret is kept: ${secret:stalewatch/slack-signing-secret} (docs/slack-app.md).",
        ),
      })
      .optional()
      .describe(
        "The Slack app that answers the buttons on stale and error messages (I'm on it, Snooze). Without it, messages have no buttons.",
      ),
    metrics: metricsLevel()
      .default('run')
      .describe(
        "CloudWatch metrics: run (a few per run, the default) or perCheck (also each check's status and age; each metric is billed monthly).",
      ),
  })
  .check(
    // A direct source is reached from inside the VPC: without one, the functions could not reach it.
    z.superRefine(
      (settings: { sources?: unknown; vpc?: unknown }, ctx) => {
        if (settings.vpc !== undefined || typeof settings.sources !== 'object' || !settings.sources) return;
        for (const [name, source] of Object.entries(settings.sources)) {
          if ((source as { connection?: unknown } | null)?.connection !== 'direct') continue;
          ctx.addIssue({
            code: 'custom',
            path: ['sources', name, 'connection'],
            input: 'direct',
            message: `direct needs the VPC the functions reach the database from — add ${DIRECT_EXAMPLE} to the settings (private subnets with a route to the database, and a security group it lets in)`,
          });
        }
      },
      { when: () => true },
    ),
  )
  .check(
    // The digest is deployed as an EventBridge Scheduler schedule read in `timezone`: both fields decide
    // whether it can run at exactly the cron's times. Runs even when other fields are wrong.
    z.superRefine(
      (settings: { timezone?: unknown; notify?: { digest?: unknown } }, ctx) => {
        const zone = settings.timezone;
        const digest = settings.notify?.digest;
        if (typeof zone !== 'string' || !isTimeZone(zone) || typeof digest !== 'string') return;
        if (cronProblem(digest) !== null) return;
        // Clock changes are checked from today: validating config is at the edge, where the clock is read.
        const problem = digestProblem(digest, zone, new Date());
        if (problem)
          ctx.addIssue({ code: 'custom', path: ['notify', 'digest'], message: problem, input: digest });
      },
      { when: () => true },
    ),
  )
  .meta({ title: 'Stalewatch settings (checks/stalewatch.yml)' });

/** A freshness check's rule: the timestamp column and how old its newest value may be. */
export const freshnessSchema = z
  .strictObject({
    column: columnName().describe('The column that says when a row was last written.'),
    where: whereClause().optional(),
    warnAfter: duration().optional(),
    failAfter: duration().optional(),
    dueBy: cron('0 7 * * 1-5').optional().describe('New data is due by each of these times, in `timezone`.'),
    holidays: holidayRegion()
      .optional()
      .describe('Overrides the settings’ holidays for this check; none for none.'),
    columnUnit: z
      .enum(['s', 'ms', 'us'], {
        error: (iss) =>
          `${show(iss.input)} is not a unit — write s (epoch seconds, the default), ms (milliseconds) or us (microseconds)`,
      })
      .optional()
      .describe('The unit of an integer column: s (epoch seconds, the default), ms or us.'),
    columnTimezone: timeZone()
      .optional()
      .describe('Overrides the source’s columnTimezone for this check’s column.'),
    futureTolerance: futureTolerance().optional().describe('Overrides the source’s futureTolerance.'),
  })
  .check((ctx) => {
    const f = ctx.value;
    if (!f.warnAfter && !f.failAfter && !f.dueBy) {
      ctx.issues.push({
        code: 'custom',
        input: f,
        message: 'needs warnAfter, failAfter or dueBy — e.g. warnAfter: 26h',
      });
    }
    // A check warns first, then fails: a warnAfter as long as failAfter would never warn, and a longer
    // one would report a fail whose staleSince (lastUpdatedAt + warnAfter) is still to come.
    if (f.warnAfter && f.failAfter && durationSeconds(f.warnAfter) >= durationSeconds(f.failAfter)) {
      ctx.issues.push({
        code: 'custom',
        input: f.warnAfter,
        path: ['warnAfter'],
        message:
          `${show(f.warnAfter)} is not shorter than failAfter ${show(f.failAfter)}: a check warns first, then fails — ` +
          'write a warnAfter shorter than failAfter, e.g. warnAfter: 26h and failAfter: 50h, or leave warnAfter out',
      });
    }
  });

/** A row-count check's rule: the bounds on the number of rows, and how far it may drop. */
export const rowCountSchema = z
  .strictObject({
    where: whereClause().optional(),
    failBelow: positiveCount(1000).optional(),
    warnBelow: positiveCount(5000).optional(),
    failAbove: positiveCount(1000000).optional(),
    warnAbove: positiveCount(500000).optional(),
    warnDropPercent: percent().optional().describe("Against the previous run's count."),
    failDropPercent: percent().optional().describe("Against the previous run's count."),
  })
  .check((ctx) => {
    if (Object.values(ctx.value).every((v) => v === undefined || typeof v === 'string')) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: 'needs a bound — e.g. failBelow: 1000, warnBelow: 5000 or warnDropPercent: 20',
      });
    }
  });

/**
 * How long a table with no timestamp column may go without a change, judged from the database's own
 * bookkeeping (docs/semantics.md "Activity"). The same limits as `freshness`, without a column.
 */
export const activitySchema = z
  .strictObject({
    warnAfter: duration().optional(),
    failAfter: duration().optional(),
  })
  .check((ctx) => {
    const a = ctx.value;
    if (!a.warnAfter && !a.failAfter) {
      ctx.issues.push({
        code: 'custom',
        input: a,
        message: 'needs warnAfter or failAfter — e.g. activity: {warnAfter: 26h, failAfter: 50h}',
      });
    }
    if (a.warnAfter && a.failAfter && durationSeconds(a.warnAfter) >= durationSeconds(a.failAfter)) {
      ctx.issues.push({
        code: 'custom',
        input: a.warnAfter,
        path: ['warnAfter'],
        message:
          `${show(a.warnAfter)} is not shorter than failAfter ${show(a.failAfter)}: a check warns first, then fails — ` +
          'write a warnAfter shorter than failAfter, e.g. warnAfter: 26h and failAfter: 50h, or leave warnAfter out',
      });
    }
  })
  .describe(
    "For a table with no timestamp column: how long it may go without a change, judged from the database's change counters.",
  );

/** One check of a dataset file: its name, and one rule (freshness, rowCount or activity). */
export const checkSchema = z
  .strictObject({
    name: text('updated recently', undefined, {
      max: 60,
      fits: 'in the check id and the messages that name the check',
      fix: 'shorten it, e.g. updated recently',
    })
      .optional()
      .describe('The check id is "<dataset>/<slug of name>".'),
    severity: z
      .enum(['warn', 'fail'], { error: (iss) => `${show(iss.input)} is not a severity — write warn or fail` })
      .default('fail')
      .describe('What a failing check reports.'),
    freshness: freshnessSchema.optional(),
    rowCount: rowCountSchema.optional(),
    activity: activitySchema.optional(),
  })
  .check((ctx) => {
    const kinds = (['freshness', 'rowCount', 'activity'] as const).filter((k) => ctx.value[k]);
    if (kinds.length !== 1) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message:
          kinds.length === 0
            ? 'needs a kind — add freshness: (with column and warnAfter), rowCount: (with failBelow), or activity: (with warnAfter) for a table with no timestamp column'
            : `has ${kinds.length === 2 ? 'both ' : ''}${kinds.join(' and ')} — write them as ${kinds.length === 2 ? 'two' : 'separate'} checks`,
      });
    }
  });

/**
 * The fields that say who hears about a thing and what it means: shared by dataset files and alarm files
 * (lib/config/alarm.ts), so both are written and checked alike.
 */
export const audienceFields = {
  title: text('Trainee placements', NAME_RULE('Trainee placements'), TITLE_LIMIT).describe(
    'The name data leads use.',
  ),
  owner: z.union([refName('contact', 'placements-lead'), contactList('placements-lead').min(1)], {
    error: (iss) =>
      iss.input === undefined
        ? 'is required — name a contact from checks/stalewatch.yml, e.g. owner: placements-lead'
        : `${show(iss.input)} is not a contact — write one contact or a list, e.g. [placements-lead, programmes-lead]`,
  }),
  subscribers: contactList('placements-product-lead').optional().describe('Contacts who get a copy.'),
  snooze: text('2026-11-30T09:00', {
    test: (s) => readLocalDateTime(s, 'UTC').problem === undefined,
    explain: (s) =>
      `${show(s)} ${readLocalDateTime(s, 'UTC').problem ?? 'is not a time'} — write it as 2026-11-30T09:00 (in the configured time zone)`,
  })
    .optional()
    .describe('No alerts for this dataset until then.'),
  impact: text('Trainees see out-of-date placement details.', { multiLine: true }, PROSE_LIMIT)
    .optional()
    .describe('What stale data means for users.'),
  action: text('Ask the platform team to re-run the nightly sync.', { multiLine: true }, PROSE_LIMIT)
    .optional()
    .describe('What to do about it.'),
};

/** Every other `checks/**\/*.yml`: one dataset and its checks. */
export const datasetSchema = z
  .strictObject({
    dataset: datasetId().describe("Unique id: lower-case letters, digits and '-'."),
    title: audienceFields.title,
    source: refName('source', 'tis'),
    table: tableName().describe('[schema.]table; validated and quoted, never pasted.'),
    owner: audienceFields.owner,
    subscribers: audienceFields.subscribers,
    snooze: audienceFields.snooze,
    metrics: metricsLevel()
      .optional()
      .describe(
        "perCheck: this dataset's checks also get CloudWatch metrics of their own (billed per metric); default: the settings' metrics.",
      ),
    impact: audienceFields.impact,
    action: audienceFields.action,
    dependsOn: z
      .array(datasetId(), {
        error: () => 'must be a list of dataset ids — e.g. dependsOn: [nightly-sync]',
      })
      .check(eachOnce('dataset'))
      .optional()
      .describe(
        'Ids of the datasets this one is made from: while one of them is stale, its owners hear why, and no separate reminders (docs/semantics.md "One story per cause").',
      ),
    checks: z
      .array(checkSchema, {
        error: (iss) =>
          iss.input === undefined
            ? 'is required — list at least one check, e.g. - freshness: {column: last_modified, warnAfter: 26h}'
            : 'must be a list — write each check on its own line starting with "- ", e.g. - freshness: {column: last_modified, warnAfter: 26h}',
      })
      .min(1, { error: 'is empty — list at least one check' }),
  })
  .meta({ title: 'Stalewatch dataset (checks/*.yml)' });

/** What an alarm name may not hold: control characters (CloudWatch allows any other printable text). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const NOT_IN_ALARM_NAME = /[\u0000-\u001F\u007F]/;
/** The longest CloudWatch alarm name. */
export const ALARM_NAME_MAX = 255;

/** What is wrong with an `alarm:` pattern, or null: a name, or a prefix ending in one `*`. */
export function alarmPatternProblem(s: string): string | null {
  const example = 'tis-prod-website-health, or tis-prod-* for every alarm whose name starts so';
  if (NOT_IN_ALARM_NAME.test(s))
    return `contains a control character or line break — write the alarm's name, e.g. ${example}`;
  if (s.length > ALARM_NAME_MAX)
    return `is longer than ${ALARM_NAME_MAX} characters, the longest CloudWatch alarm name — e.g. ${example}`;
  if (s === '*' || s.trim() === '*')
    return 'would watch every alarm in the account — write a prefix before the *, e.g. tis-prod-*';
  const star = s.indexOf('*');
  if (star !== -1 && star !== s.length - 1)
    return `${show(s)} has a * that is not at its end — a pattern is a prefix followed by *, e.g. tis-prod-*`;
  if (s !== s.trim())
    return `${show(s)} starts or ends with a space — write the alarm's name exactly, e.g. ${example}`;
  return null;
}

/** How an alarm's numbers are counted, when the alarm event does not say (docs/config.md "Alarm files"). */
export const ALARM_UNITS = ['bytes', 'percent', 'count', 'seconds', 'milliseconds'] as const;

/**
 * A file under `checks/` that watches a CloudWatch alarm (docs/config.md "An alarm file"): `alarm:`
 * instead of `table`, and the same people and words as a dataset file.
 */
export const alarmFileSchema = z
  .strictObject({
    alarm: text('tis-prod-website-health', {
      test: (s) => alarmPatternProblem(s) === null,
      explain: (s) =>
        alarmPatternProblem(s) ?? `${show(s)} is not an alarm name — e.g. tis-prod-website-health`,
    }).describe(
      'A CloudWatch alarm name, or a prefix ending in * (tis-prod-*): every alarm whose name starts so.',
    ),
    title: audienceFields.title.describe(
      'What the alarm watches, as data leads say it: TIS website, TIS database disk space.',
    ),
    owner: audienceFields.owner,
    subscribers: audienceFields.subscribers,
    snooze: audienceFields.snooze,
    impact: audienceFields.impact,
    action: audienceFields.action,
    unit: z
      .enum(ALARM_UNITS, {
        error: (iss) => `${show(iss.input)} is not a unit — write ${ALARM_UNITS.join(', ')}`,
      })
      .optional()
      .describe(
        "How the alarm's metric is counted, when CloudWatch's event does not say (well-known AWS metrics are known).",
      ),
  })
  .meta({ title: 'Stalewatch alarm (checks/*.yml with alarm:)' });

/** `stalewatch.yml` as parsed, before references are resolved. */
export type SettingsFile = z.output<typeof settingsSchema>;
/** A dataset file as parsed, before references are resolved. */
export type DatasetFile = z.output<typeof datasetSchema>;
/** One entry of a dataset file's `checks:`, as parsed. */
export type CheckEntry = z.output<typeof checkSchema>;
/** An alarm file (`alarm:`) as parsed. */
export type AlarmFile = z.output<typeof alarmFileSchema>;

/** The JSON Schemas published for editors, by file name under `checks/schema/`. */
export function jsonSchemas(): Record<string, unknown> {
  return {
    'stalewatch.json': z.toJSONSchema(settingsSchema, { io: 'input', unrepresentable: 'any' }),
    'dataset.json': z.toJSONSchema(datasetSchema, { io: 'input', unrepresentable: 'any' }),
    'alarm.json': z.toJSONSchema(alarmFileSchema, { io: 'input', unrepresentable: 'any' }),
  };
}
