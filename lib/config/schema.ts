import { z } from 'zod';
import { cronProblem } from '../time/cron';
import { digestProblem, runEveryProblem } from '../time/deployed-schedules';
import { DURATION_PATTERN, durationProblem, durationSeconds, MAX_DURATION } from '../time/duration';
import { isKnownRegion, REGION_ALIASES } from '../time/holidays';
import { isTimeZone, readLocalDateTime, readTimeZone } from '../time/zone';
import { CONTROL_CHARACTER, looksSecret, quote } from '../util/quote';
import { WHERE_MAX_LENGTH } from './sql/limits';

/**
 * The format of `checks/`: one zod schema per kind of file. It is the single place where fields, their
 * defaults and their rules are declared; the JSON Schema for editors is generated from it
 * (`npm run schema`), and every message here says what is wrong and how to write it instead.
 */

/** A value in a message: quoted, shortened, never a secret (lib/util/quote.ts). */
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
      // A number or a list where text goes: the rule's own words say best what was meant.
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

/** A newest value at most this far ahead of now counts as now (SPEC.md "Timestamps"). */
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

/** A list of contacts, each named once: a second mention is a slip (a copy-paste), refused where it is. */
const contactList = (example: string) =>
  z.array(refName('contact', example)).check(
    z.superRefine((names: string[], ctx) => {
      names.forEach((name, i) => {
        if (names.indexOf(name) < i)
          ctx.addIssue({
            code: 'custom',
            path: [i],
            input: name,
            message: `${show(name)} is listed twice — name each contact once`,
          });
      });
    }),
  );

const ENV_REF = /^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$/;
const SSM_NAME = '/[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*';
const SECRET_REF_PATTERN = `^\\$\\{(ssm:${SSM_NAME}|secret:[A-Za-z0-9/_+=.@-]+)\\}$`;
/** A web address where the name of a parameter or secret goes: `${ssm://hooks.slack.com/…}`. */
const LOOKS_LIKE_URL =
  /:\/\/|\/\/|^\$\{(ssm|secret):\/?(https?:|[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|net|org|io|co|uk|dev|app)(\/|\}))|hooks\.slack\.com/i;
const SECRET_REF_EXAMPLE = '${ssm:/stalewatch/slack/placements}';

/** What is wrong with a `${ssm:…}` / `${secret:…}` reference that matches the pattern, or null. */
function secretRefProblem(s: string): string | null {
  // The name inside the reference: `${secret:` itself reads as "secret:" followed by a value.
  const name = /^\$\{(?:ssm|secret):(.*)\}$/s.exec(s)?.[1] ?? s;
  if (LOOKS_LIKE_URL.test(s) || looksSecret(name)) {
    return (
      'is a secret: keep the webhook URL in SSM Parameter Store (a SecureString) or Secrets Manager and write where it is, ' +
      `e.g. ${SECRET_REF_EXAMPLE} — this looks like the URL itself where the parameter's name goes (it is not shown here); ` +
      'if it is a real webhook URL, it is now in the repository: make a new one in Slack'
    );
  }
  const ssm = /^\$\{ssm:(.*)\}$/.exec(s)?.[1];
  if (ssm && /^\/(aws|ssm)/i.test(ssm)) {
    return `names an SSM parameter under /aws or /ssm, which AWS keeps for itself — e.g. ${SECRET_REF_EXAMPLE}`;
  }
  if (ssm && (ssm.split('/').length - 1 > 15 || ssm.length > 1011)) {
    return `names an SSM parameter deeper than 15 levels or longer than 1011 characters — e.g. ${SECRET_REF_EXAMPLE}`;
  }
  return null;
}

const secretRef = () =>
  text(SECRET_REF_EXAMPLE, {
    pattern: SECRET_REF_PATTERN,
    explain: (s) =>
      secretRefProblem(s) ??
      `is not where a secret is kept — keep the webhook URL in SSM or Secrets Manager and write where it is, e.g. ${SECRET_REF_EXAMPLE} or \${secret:stalewatch/slack}`,
  }).refine((s) => secretRefProblem(s) === null, {
    error: (iss) => secretRefProblem(String(iss.input)) ?? '',
  });

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

export const sourceSchema = z
  .strictObject({
    engine: z
      .enum(['postgres', 'mysql'], {
        error: (iss) => `${show(iss.input)} is not an engine — write postgres or mysql`,
      })
      .describe('The SQL dialect of the source.'),
    resourceArn: arn('Aurora cluster', '${env:TIS_CLUSTER_ARN}'),
    secretArn: arn('Secrets Manager secret', '${env:TIS_SECRET_ARN}'),
    database: text('tis', {
      // `${ssm:…}` and `${secret:…}` are resolved only by the code that sends messages (SPEC.md
      // "Configuration"): here one would reach the database as its name.
      test: (s) => !/:\/\/|@/.test(s) && !/\$\{(ssm|secret):/.test(s),
      explain: (s) =>
        /\$\{(ssm|secret):/.test(s)
          ? "is a reference that only messages' webhooks may use — write the database's name, e.g. tis, or ${env:NAME} to read it from the environment when the config is loaded"
          : 'is a database name, not a connection string — write the name of the database, e.g. tis (the source is reached through resourceArn and secretArn)',
    }),
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
  .describe('A database, reached through the RDS Data API.');

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
    explain: (s) =>
      `${show(s)} is not a range of hours — write it as "19:00-08:00", or "19:00-08:00, weekends"`,
  })
    .optional()
    .describe('Non-urgent messages wait until these hours end; add ", weekends" to keep weekends quiet too.'),
});

/**
 * Which CloudWatch metrics a run emits: `run`, a few per run whatever its number of checks; `perCheck`,
 * also each check's status and age (SPEC.md "Cost and scale": CloudWatch bills every metric monthly).
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
    contacts: z.record(refName('contact', 'placements-lead'), contactSchema).default({}),
    notify: notifySchema.prefault({}),
    holidays: holidayRegion().optional().describe('No deadline falls on these public holidays.'),
    metrics: metricsLevel()
      .default('run')
      .describe(
        "CloudWatch metrics: run (a few per run, the default) or perCheck (also each check's status and age; each metric is billed monthly).",
      ),
  })
  .check(
    // The digest is deployed as an EventBridge Scheduler schedule read in `timezone`: both fields decide
    // whether it can run at exactly the cron's times. Runs even when other fields are wrong.
    z.superRefine(
      (settings: { timezone?: unknown; notify?: { digest?: unknown } }, ctx) => {
        const zone = settings.timezone;
        const digest = settings.notify?.digest;
        if (typeof zone !== 'string' || !isTimeZone(zone) || typeof digest !== 'string') return;
        if (cronProblem(digest) !== null) return;
        const problem = digestProblem(digest, zone);
        if (problem)
          ctx.addIssue({ code: 'custom', path: ['notify', 'digest'], message: problem, input: digest });
      },
      { when: () => true },
    ),
  )
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
 * A file under `checks/` that watches a CloudWatch alarm (SPEC.md "More kinds of staleness"): `alarm:`
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

export type SettingsFile = z.output<typeof settingsSchema>;
export type DatasetFile = z.output<typeof datasetSchema>;
export type CheckEntry = z.output<typeof checkSchema>;
export type AlarmFile = z.output<typeof alarmFileSchema>;

/** The JSON Schemas published for editors, by file name under `checks/schema/`. */
export function jsonSchemas(): Record<string, unknown> {
  return {
    'stalewatch.json': z.toJSONSchema(settingsSchema, { io: 'input', unrepresentable: 'any' }),
    'dataset.json': z.toJSONSchema(datasetSchema, { io: 'input', unrepresentable: 'any' }),
    'alarm.json': z.toJSONSchema(alarmFileSchema, { io: 'input', unrepresentable: 'any' }),
  };
}
