import { z } from 'zod';
import { DURATION_PATTERN, durationSeconds } from '../time/duration';
import { isKnownRegion, REGION_ALIASES } from '../time/holidays';
import { isCron } from '../time/schedule';
import { isTimeZone, parseLocalDateTime } from '../time/zone';

/**
 * The format of `checks/`: one zod schema per kind of file. It is the single place where fields, their
 * defaults and their rules are declared; the JSON Schema for editors is generated from it
 * (`npm run schema`), and every message here says what is wrong and how to write it instead.
 */

const show = (input: unknown): string => (typeof input === 'string' ? `"${input}"` : JSON.stringify(input));

/** A rule on text: a regular expression (published in the JSON Schema) or a test, and the message. */
interface TextRule {
  pattern?: string;
  test?: (s: string) => boolean;
  explain: (s: string) => string;
}

/** Text with an optional rule; `explain` turns a refused value into the message. */
function text(example: string, rule?: TextRule) {
  const base = z.string({
    error: (iss) => {
      if (iss.input === undefined) return `is required — for example ${example}`;
      // A number or a list where text goes: the rule's own words say best what was meant.
      return rule
        ? rule.explain(String(iss.input))
        : `${show(iss.input)} is not text — for example ${example}`;
    },
  });
  const nonEmpty = base.min(1, { error: `is empty — for example ${example}` });
  if (!rule) return nonEmpty;
  const error = (iss: { input?: unknown }) => rule.explain(String(iss.input));
  if (rule.pattern) return nonEmpty.regex(new RegExp(rule.pattern), { error });
  return nonEmpty.refine(rule.test ?? (() => true), { error });
}

export const duration = () =>
  text('26h', {
    pattern: DURATION_PATTERN,
    explain: (s) => `"${s}" is not a duration — write it as 26h, 90m, 2d`,
  }).describe('A whole number and a unit: 90s, 45m, 26h, 2d, 1w.');

const cron = (example: string) =>
  text(`"${example}"`, {
    test: isCron,
    explain: (s) =>
      `"${s}" is not a cron expression — write five fields, minute hour day month weekday, e.g. "${example}"`,
  });

const timeZone = () =>
  text('Europe/London', {
    test: isTimeZone,
    explain: (s) => `"${s}" is not an IANA time zone — write it as Europe/London, UTC or America/New_York`,
  });

const holidayRegion = () =>
  text('england-and-wales', {
    test: isKnownRegion,
    explain: (s) =>
      `"${s}" is not a holiday region — write one of ${Object.keys(REGION_ALIASES).join(', ')}, ` +
      `a country or country-state code such as GB-SCT, IE or DE-BY, or none`,
  });

const IDENT = '[A-Za-z_][A-Za-z0-9_]{0,62}';
const TABLE_PATTERN = `^${IDENT}(\\.${IDENT})?$`;
const COLUMN_PATTERN = `^${IDENT}$`;

const tableName = () =>
  text('public.placement', {
    pattern: TABLE_PATTERN,
    explain: (s) =>
      `"${s}" is not a plain [schema.]table name — use letters, digits and _ only, e.g. public.placement (it is quoted for you)`,
  });

const columnName = () =>
  text('last_modified', {
    pattern: COLUMN_PATTERN,
    explain: (s) => `"${s}" is not a plain column name — use letters, digits and _ only, e.g. last_modified`,
  });

/** `;` would start a second statement, and comments could hide the rest of ours. */
const FORBIDDEN_IN_WHERE = /;|--|\/\*|\*\/|#/;
const whereClause = () =>
  text(`"status = 'CURRENT'"`, {
    test: (s) => !FORBIDDEN_IN_WHERE.test(s),
    explain: () =>
      `may not contain ";" or comments (--, #, /* */) — write one boolean expression, e.g. status = 'CURRENT'`,
  }).meta({ description: 'A SQL boolean expression, reviewed like code. No ";" and no comments.' });

const ID_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';
const datasetId = () =>
  text('placements', {
    pattern: ID_PATTERN,
    explain: (s) =>
      `"${s}" is not a dataset id — use lower-case letters, digits and '-', e.g. ${
        s
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, '') || 'placements'
      }`,
  });

const NAME_PATTERN = '^[a-z][a-z0-9-]*$';
const refName = (what: string, example: string) =>
  z.string().regex(new RegExp(NAME_PATTERN), {
    error: (iss) =>
      `${show(iss.input)} is not a ${what} name — use lower-case letters, digits and '-', e.g. ${example}`,
  });

const ENV_REF = /^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$/;
const SECRET_REF_PATTERN = '^\\$\\{(ssm:/[A-Za-z0-9_./-]+|secret:[A-Za-z0-9/_+=.@-]+)\\}$';
const secretRef = () =>
  text('${ssm:/stalewatch/slack/placements}', {
    pattern: SECRET_REF_PATTERN,
    explain: () =>
      'is a secret: keep the webhook URL in SSM or Secrets Manager and write where it is, e.g. ${ssm:/stalewatch/slack/placements} or ${secret:stalewatch/slack}',
  });

const arn = (service: string, example: string) =>
  text(example, {
    test: (s) => s.startsWith(`arn:aws`) || ENV_REF.test(s),
    explain: (s) =>
      `"${s}" is not an ARN — write the ${service} ARN, or \${env:NAME} to read it from the environment`,
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

export const sourceSchema = z
  .strictObject({
    engine: z
      .enum(['postgres', 'mysql'], {
        error: (iss) => `${show(iss.input)} is not an engine — write postgres or mysql`,
      })
      .describe('The SQL dialect of the source.'),
    resourceArn: arn('Aurora cluster', '${env:TIS_CLUSTER_ARN}'),
    secretArn: arn('Secrets Manager secret', '${env:TIS_SECRET_ARN}'),
    database: text('tis'),
    columnTimezone: timeZone()
      .optional()
      .describe('The zone that `timestamp without time zone` values are written in. Default: UTC.'),
    statementTimeout: duration()
      .refine((d) => durationSeconds(d) < DATA_API_CAP_SECONDS, {
        error: (iss) =>
          `"${String(iss.input)}" is too long — the Data API stops every statement after ${DATA_API_CAP_SECONDS} s; write at most 44s, e.g. 30s`,
      })
      .default('30s')
      .describe('The longest one statement on this source may run before the database stops it (below 45s).'),
  })
  .describe('A database, reached through the RDS Data API.');

export const contactSchema = z.strictObject({
  name: text('Placements data lead'),
  audience: z.enum(['data-lead', 'platform', 'product-lead'], {
    error: (iss) => `${show(iss.input)} is not an audience — write data-lead, platform or product-lead`,
  }),
  slack: secretRef()
    .optional()
    .describe('Where the Slack webhook URL is kept: ${ssm:/path} or ${secret:name}.'),
  email: z
    .email({
      error: (iss) => `${show(iss.input)} is not an email address — e.g. placements-data@example.org`,
    })
    .optional(),
});

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
    explain: (s) => `"${s}" is not a range of hours — write it as "19:00-08:00", or "19:00-08:00, weekends"`,
  })
    .optional()
    .describe('Non-urgent messages wait until these hours end; add ", weekends" to keep weekends quiet too.'),
});

/** `checks/stalewatch.yml`: settings, sources and contacts. */
export const settingsSchema = z
  .strictObject({
    timezone: timeZone()
      .default('Europe/London')
      .describe('How times are shown and schedules are read (IANA name).'),
    runEvery: duration()
      .default('15m')
      .describe('How often the deployed service runs every check (whole minutes or more: 15m, 1h).'),
    sources: z.record(refName('source', 'tis'), sourceSchema),
    contacts: z.record(refName('contact', 'placements-lead'), contactSchema).default({}),
    notify: notifySchema.prefault({}),
    holidays: holidayRegion().optional().describe('No deadline falls on these public holidays.'),
  })
  .meta({ title: 'Stalewatch settings (checks/stalewatch.yml)' });

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
  });

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

export const checkSchema = z
  .strictObject({
    name: text('updated recently').optional().describe('The check id is "<dataset>/<slug of name>".'),
    severity: z
      .enum(['warn', 'fail'], { error: (iss) => `${show(iss.input)} is not a severity — write warn or fail` })
      .default('fail')
      .describe('What a failing check reports.'),
    freshness: freshnessSchema.optional(),
    rowCount: rowCountSchema.optional(),
  })
  .check((ctx) => {
    const kinds = [ctx.value.freshness, ctx.value.rowCount].filter(Boolean).length;
    if (kinds !== 1) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message:
          kinds === 0
            ? 'needs a kind — add freshness: (with column and warnAfter) or rowCount: (with failBelow)'
            : 'has both freshness and rowCount — write them as two checks',
      });
    }
  });

/** Every other `checks/**\/*.yml`: one dataset and its checks. */
export const datasetSchema = z
  .strictObject({
    dataset: datasetId().describe("Unique id: lower-case letters, digits and '-'."),
    title: text('Trainee placements').describe('The name data leads use.'),
    source: refName('source', 'tis'),
    table: tableName().describe('[schema.]table; validated and quoted, never pasted.'),
    owner: z.union(
      [refName('contact', 'placements-lead'), z.array(refName('contact', 'placements-lead')).min(1)],
      {
        error: (iss) =>
          iss.input === undefined
            ? 'is required — name a contact from checks/stalewatch.yml, e.g. owner: placements-lead'
            : `${show(iss.input)} is not a contact — write one contact or a list, e.g. [placements-lead, programmes-lead]`,
      },
    ),
    subscribers: z
      .array(refName('contact', 'placements-product-lead'))
      .optional()
      .describe('Contacts who get a copy.'),
    snooze: text('2026-11-30T09:00', {
      test: (s) => parseLocalDateTime(s, 'UTC') !== null,
      explain: (s) =>
        `"${s}" is not a date and time — write it as 2026-11-30T09:00 (in the configured time zone)`,
    })
      .optional()
      .describe('No alerts for this dataset until then.'),
    impact: text('Trainees see out-of-date placement details.')
      .optional()
      .describe('What stale data means for users.'),
    action: text('Ask the platform team to re-run the nightly sync.')
      .optional()
      .describe('What to do about it.'),
    checks: z
      .array(checkSchema, {
        error:
          'is required — list at least one check, e.g. - freshness: {column: last_modified, warnAfter: 26h}',
      })
      .min(1, { error: 'is empty — list at least one check' }),
  })
  .meta({ title: 'Stalewatch dataset (checks/*.yml)' });

export type SettingsFile = z.output<typeof settingsSchema>;
export type DatasetFile = z.output<typeof datasetSchema>;
export type CheckEntry = z.output<typeof checkSchema>;

/** The JSON Schemas published for editors, by file name under `checks/schema/`. */
export function jsonSchemas(): Record<string, unknown> {
  return {
    'stalewatch.json': z.toJSONSchema(settingsSchema, { io: 'input', unrepresentable: 'any' }),
    'dataset.json': z.toJSONSchema(datasetSchema, { io: 'input', unrepresentable: 'any' }),
  };
}
