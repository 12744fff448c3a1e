import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../lib/config/load';
import { ALLOWED_FUNCTION_GROUPS } from '../../lib/config/sql/allowed';
import { ConfigError, formatConfigIssue } from '../../lib/core/errors';
import type { Engine } from '../../lib/core/model/config';
import { PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

/**
 * `where` is read by the source engine's own SQL parser when the config is loaded (validate, run,
 * packaging): a filter on the table's rows passes, anything else is refused with file, line, field
 * and what to write instead.
 */

const SETTINGS_FOR: Record<Engine, string> = {
  postgres: SETTINGS,
  mysql: SETTINGS.replace('engine: postgres', 'engine: mysql'),
};

/** The placements dataset with one row-count check filtered by `wheres` (one check each). */
function datasetWith(...wheres: string[]): string {
  const checks = wheres
    .map(
      (w, i) =>
        `  - name: count ${i}\n    rowCount:\n      where: ${JSON.stringify(w)}\n      failBelow: 1\n`,
    )
    .join('');
  return PLACEMENTS.replace(/checks:\n[\s\S]*$/, () => `checks:\n${checks}`);
}

/** What `validate` would print for a tree whose dataset's source has `engine`, or [] when valid. */
async function problemsOf(engine: Engine, wheres: string[], env: Record<string, string> = {}) {
  const dir = writeTree({ 'stalewatch.yml': SETTINGS_FOR[engine], 'placements.yml': datasetWith(...wheres) });
  try {
    return { config: await loadConfig({ dir, env }), problems: [] as string[] };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return {
      config: null,
      problems: error.issues.map((i) => formatConfigIssue(i).replaceAll(dir, 'checks')),
    };
  }
}

/** Where the first check's `where` value starts in `datasetWith`'s file. */
const AT = 'checks/placements.yml:11:14 checks[0].rowCount.where:';

const BOTH: Engine[] = ['postgres', 'mysql'];

describe('a where that is a plain filter on its rows', () => {
  const accepted: Array<[Engine, string]> = [
    ...BOTH.flatMap(
      (e): Array<[Engine, string]> => [
        [e, "status = 'CURRENT'"],
        [e, "status = '--' AND code <> '#' AND note <> ';' AND path <> '/* not a comment */'"],
        [e, "status IN ('CURRENT', 'FUTURE') AND NOT archived"],
        [e, 'grade BETWEEN 1 AND 5 OR grade IS NULL'],
        [e, "name LIKE 'Dr %' AND email IS NOT NULL"],
        [e, 'CASE WHEN grade > 3 THEN 1 ELSE 0 END = 1'],
        [e, '(price * quantity) - discount > 100 AND -balance < 0'],
        [e, "coalesce(deleted, false) = false AND nullif(code, '') IS NOT NULL"],
        [e, "lower(status) = 'current' AND upper(code) <> 'X' AND length(name) > 0 AND trim(name) <> ''"],
        [e, 'greatest(a, b) > least(c, d) AND abs(delta) < round(limit_value, 2)'],
        [e, 'extract(year from started_on) >= 2020'],
        [e, 'created_at > now() AND updated_at < current_timestamp AND started_on <= current_date'],
        [e, "data->>'kind' = 'placement'"],
        [e, Array.from({ length: 60 }, (_, i) => `c${i} = ${i}`).join(' AND ')],
      ],
    ),
    ['postgres', "data #>> '{programme,name}' = 'Surgery'"],
    ['postgres', "data @> '{\"kind\": \"a\"}'::jsonb AND tags && ARRAY['a', 'b'] AND data ? 'key'"],
    ['postgres', "first_name || ' ' || last_name ILIKE 'jo%'"],
    ['postgres', "grade::int > 3 AND CAST(code AS text) <> '' AND started_on::date = current_date"],
    ['postgres', "last_modified > now() - interval '2 days' AND started_on >= current_date - 7"],
    ['postgres', "date_trunc('day', last_modified) = date_trunc('day', now() - interval '1 day')"],
    ['postgres', "last_modified AT TIME ZONE 'Europe/London' > localtimestamp - '1 hour'::interval"],
    [
      'postgres',
      "status = ANY(ARRAY['A', 'B']) AND a IS DISTINCT FROM b AND name ~* '^dr' AND 'x' = ANY(tags)",
    ],
    ['postgres', "note = $$it's -- fine$$ AND code = E'a\\\\' AND id = 'it''s'"],
    ['postgres', "to_char(started_on, 'YYYY') = '2026' AND make_interval(days => 2) > interval '1 day'"],
    ['mysql', 'created_at > NOW() - INTERVAL 1 DAY AND DATE(created_at) = CURDATE()'],
    [
      'mysql',
      'DATE_SUB(UTC_TIMESTAMP(), INTERVAL 7 DAY) < updated_at AND TIMESTAMPDIFF(HOUR, a, NOW()) < 26',
    ],
    [
      'mysql',
      "CAST(code AS SIGNED) > 1 AND CONVERT(name, CHAR) <> '' AND IFNULL(a, 0) = 0 AND IF(a, 1, 2) = 1",
    ],
    ['mysql', '`status` = "CURRENT" AND name REGEXP \'^Dr\' AND a DIV 2 = 1 AND flags & 4 = 4'],
    ['mysql', "JSON_EXTRACT(data, '$.kind') = 'a' AND note = 'it''s' AND path = 'C:\\\\'"],
  ];

  it.each(accepted)('is accepted on %s: %s', async (engine, where) => {
    // Act
    const { problems, config } = await problemsOf(engine, [where]);
    // Assess: no problem, and the SQL goes on exactly as written
    expect(problems).toEqual([]);
    const [check] = config?.checks ?? [];
    expect(check?.kind === 'rowCount' && check.rowCount.where).toBe(where);
  });
});

describe('a where that is more than a filter', () => {
  const refused: Array<[Engine, string, string]> = [
    // Functions that write, wait, lock, read files or leak through errors, each named.
    ['postgres', "nextval('placement_id_seq') > 0", 'calls nextval(), which is not on the list'],
    ['postgres', "setval('placement_id_seq', 1) > 0", 'calls setval()'],
    ['postgres', "set_config('role', 'admin', false) = 'admin'", 'calls set_config()'],
    ['postgres', "pg_read_file('/etc/passwd') <> ''", 'calls pg_read_file()'],
    ['postgres', 'pg_sleep(30) IS NULL', 'calls pg_sleep()'],
    ['postgres', "lo_from_bytea(0, 'x') > 0", 'calls lo_from_bytea()'],
    ['postgres', "lo_import('/etc/passwd') > 0", 'calls lo_import()'],
    ['postgres', "dblink('host=evil', 'SELECT 1') IS NULL", 'calls dblink()'],
    ['postgres', 'pg_advisory_lock(1) IS NULL', 'calls pg_advisory_lock()'],
    ['postgres', "current_setting('my.secret') = 'x'", 'calls current_setting()'],
    ['postgres', 'pg_catalog.pg_sleep(1) IS NULL', 'calls pg_sleep()'],
    ['postgres', 'public.refresh_cache() IS NULL', 'calls public.refresh_cache(), a function of a schema'],
    ['mysql', 'sleep(30) = 0', 'calls sleep(), which is not on the list'],
    ['mysql', "benchmark(100000000, md5('a')) = 0", 'calls benchmark()'],
    ['mysql', 'extractvalue(1, concat(0x7e, api_key)) = 1', 'calls extractvalue()'],
    ['mysql', 'updatexml(1, concat(0x7e, api_key), 1) = 1', 'calls updatexml()'],
    ['mysql', "load_file('/etc/passwd') IS NULL", 'calls load_file()'],
    ['mysql', "get_lock('stalewatch', 10) = 1", 'calls get_lock()'],
    ['mysql', 'reporting.refresh() = 1', 'calls reporting.refresh(), a function of a schema'],
    [
      'postgres',
      "date_trun('day', now()) = now()",
      'calls date_trun(), which is not on the list of side-effect-free functions a where may use — did you mean date_trunc()?',
    ],
    // Subqueries and set operations: a view is what to write instead.
    ...BOTH.flatMap(
      (e): Array<[Engine, string, string]> => [
        [
          e,
          'CAST((SELECT api_key FROM secrets LIMIT 1) AS int) > 0',
          'has a subquery (SELECT …) — a where filters the rows of its own table only: put the query in a view and point table: at the view',
        ],
        [e, 'trainee_id IN (SELECT id FROM trainee)', 'has a subquery'],
        [e, 'EXISTS (SELECT 1 FROM trainee)', 'has a subquery'],
        [e, 'id = 1 UNION SELECT 2', 'has UNION, a set operation'],
        [e, 'id IN (SELECT 1 INTERSECT SELECT 2)', 'has INTERSECT, a set operation'],
        // A second statement, and comments that could hide the rest of ours.
        [
          e,
          "status = 'CURRENT'; DELETE FROM placement",
          'has ";" outside a string, which would end the statement',
        ],
        [e, "status = 'CURRENT' -- and more", 'has a comment (--)'],
        [e, "status = 'CURRENT' /* hidden */", 'has a comment (/* */)'],
        [e, "status = 'CURRENT') OR (1 = 1", 'closes a parenthesis it did not open'],
        [e, 'count(*) > 1', 'as an aggregate or window function'],
        [e, `${'('.repeat(40)}status = 1${')'.repeat(40)}`, 'nests more than 32 levels deep'],
        [
          e,
          "status = 'CURRENT' AND",
          `is not valid ${e === 'postgres' ? 'PostgreSQL' : 'MySQL'}: syntax error`,
        ],
      ],
    ),
    ['mysql', "status = 'CURRENT' # mysql comment", 'has a comment (#)'],
    ['mysql', 'id = 1 /*! OR sleep(5) */', 'has a comment (/*! */, which MySQL runs)'],
    ['mysql', 'id--1 > 0', 'has "--", which starts a comment'],
    ['mysql', 'id = @@version', 'reads the variable @@version'],
    [
      'mysql',
      "note = 'it\\' OR sleep(1) OR \\''",
      'has a backslash right before a quote inside a string, which MySQL reads one of two ways',
    ],
    [
      'postgres',
      "path = 'C:\\' OR code = 'x'",
      "has a backslash right before a quote inside a string, which PostgreSQL reads one of two ways depending on a server setting (standard_conforming_strings) — write a quote inside a string as two quotes, e.g. 'it''s'; for a backslash at the end of a string write E'C:\\\\'",
    ],
    ...BOTH.map((e): [Engine, string, string] => [
      e,
      "status = 'CURRENT'\u0000 OR pg_sleep(1) IS NULL",
      'has the control character U+0000, which no filter needs',
    ]),
    ['postgres', 'current_user = owner', 'reads current_user, which is about the database session'],
    ['postgres', 'id = $1', 'has the parameter $1'],
    [
      'postgres',
      'relid::regclass IS NOT NULL',
      'casts to regclass, which a where may not — cast to one of boolean',
    ],
    ['postgres', 'id OPERATOR(public.===) 1', 'uses the operator public.==='],
  ];

  it.each(refused)(
    'is refused on %s, with file, line and what to write: %s',
    async (engine, where, expected) => {
      // Act
      const { problems } = await problemsOf(engine, [where]);
      // Assess
      expect(problems.length).toBeGreaterThan(0);
      expect(problems.every((p) => p.startsWith(AT))).toBe(true);
      expect(problems.join('\n')).toContain(expected);
    },
  );

  it('reports every bad where of the tree in one pass, each at its own line', async () => {
    // Act
    const { problems } = await problemsOf('postgres', [
      "nextval('s') > 0",
      'ok = true',
      'pg_sleep(1) IS NULL',
    ]);
    // Assess
    expect(problems).toEqual([
      expect.stringMatching(/^checks\/placements\.yml:11:14 checks\[0\]\.rowCount\.where: calls nextval\(\)/),
      expect.stringMatching(
        /^checks\/placements\.yml:19:14 checks\[2\]\.rowCount\.where: calls pg_sleep\(\)/,
      ),
    ]);
  });

  it('reads a freshness where with the same parser', async () => {
    // Prepare
    const dir = writeTree({
      'stalewatch.yml': SETTINGS_FOR.mysql,
      'placements.yml': PLACEMENTS.replace(
        'column: last_modified',
        'column: last_modified\n      where: "sleep(9) = 0"',
      ),
    });
    // Act
    const act = loadConfig({ dir, env: {} });
    // Assess
    await expect(act).rejects.toThrow(/placements\.yml:12:14 checks\[0\]\.freshness\.where: calls sleep\(\)/);
  });

  it('refuses a where longer than 1,000 characters without parsing it', async () => {
    // Prepare
    const where = `id IN (${'1, '.repeat(400)}1)`;
    // Act
    const { problems } = await problemsOf('postgres', [where]);
    // Assess
    expect(problems).toEqual([
      `${AT} is ${where.length.toLocaleString('en-GB')} characters long: at most 1,000 fit in the SQL that events and the platform team's messages show — move a longer filter into a view, and check the view`,
    ]);
  });

  it.each(BOTH)(
    'answers hostile nesting within the limit on %s with a message, not a crash',
    async (engine) => {
      // Prepare: under the parenthesis limit, as deep as the length limit allows otherwise
      const wheres = [
        'NOT '.repeat(240),
        `id = ${'- '.repeat(490)}1`,
        `id = ${'lower('.repeat(30)}x${')'.repeat(30)}`,
      ];
      // Act
      const { problems } = await problemsOf(
        engine,
        wheres.map((w) => (w.endsWith('NOT ') ? `${w}done` : w)),
      );
      // Assess: each is either accepted or refused with a located message; nothing throws
      expect(
        problems.every((p) => /^checks\/placements\.yml:\d+:14 checks\[\d\]\.rowCount\.where: /.test(p)),
      ).toBe(true);
    },
  );
});

describe('${env:NAME} in a where', () => {
  it('is refused, naming the variable, when the environment does not have it', async () => {
    // Act
    const { problems } = await problemsOf('postgres', ["region = '${env:STALEWATCH_REGION}'"]);
    // Assess: not left silently in the SQL
    expect(problems).toEqual([
      `${AT} \${env:STALEWATCH_REGION} is not set, so the where would run with "\${env:STALEWATCH_REGION}" in its SQL — set STALEWATCH_REGION in the environment of validate, run and sls package, or write the value itself`,
    ]);
  });

  it('is replaced by its value, which is then read like the rest of the where', async () => {
    // Act
    const good = await problemsOf('mysql', ["region = '${env:REGION}'"], { REGION: 'north' });
    const bad = await problemsOf('mysql', ['region = ${env:REGION}'], { REGION: 'sleep(5)' });
    // Assess
    const [check] = good.config?.checks ?? [];
    expect(check?.kind === 'rowCount' && check.rowCount.where).toBe("region = 'north'");
    expect(bad.problems.join('\n')).toContain('calls sleep()');
  });
});

describe('the docs and the shipped checks', () => {
  const docs = readFileSync(join(__dirname, '..', '..', 'docs', 'config.md'), 'utf8');

  it('every where example in docs/config.md validates on the engine its block names', async () => {
    // Prepare: each ```yaml block of the where section, engine from its first comment
    const blocks = [...docs.matchAll(/```yaml\n# where, (postgres|mysql)\n([\s\S]*?)```/g)];
    const examples = blocks.flatMap(([, engine, body]) =>
      [...(body as string).matchAll(/where: "((?:[^"\\]|\\.)*)"/g)].map((m) => [
        engine as Engine,
        JSON.parse(`"${m[1]}"`),
      ]),
    );
    expect(examples.length).toBeGreaterThanOrEqual(8);
    for (const [engine, where] of examples) {
      // Act
      const { problems } = await problemsOf(engine as Engine, [where as string]);
      // Assess
      expect([where, problems]).toEqual([where, []]);
    }
  });

  it('docs/config.md lists exactly the functions a where may call, per engine', () => {
    for (const [engine, groups] of Object.entries(ALLOWED_FUNCTION_GROUPS)) {
      for (const [group, names] of Object.entries(groups)) {
        expect(docs).toContain(`- ${engine}, ${group}: ${names.map((n) => `\`${n}\``).join(', ')}`);
      }
    }
  });

  it('the shipped checks/ folder validates, its wheres included', async () => {
    // Act
    const config = await loadConfig({ dir: join(__dirname, '..', '..', 'checks'), env: {} });
    // Assess
    const wheres = config.checks.map((c) =>
      c.kind === 'rowCount' ? c.rowCount.where : c.kind === 'freshness' ? c.freshness.where : null,
    );
    expect(wheres.filter(Boolean).length).toBeGreaterThan(0);
  });
});
