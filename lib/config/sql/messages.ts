import { closest, distance } from 'fastest-levenshtein';
import type { Engine } from '../../core/model/config';
import { ALLOWED_FUNCTIONS } from './allowed';

/**
 * What a refused `where` is told, the same words on both engines: what is wrong, then what to write.
 * The file, line and field are added by the caller.
 */

const ENGINE_NAME: Record<Engine, string> = { postgres: 'PostgreSQL', mysql: 'MySQL' };
const EXAMPLE = "status = 'CURRENT'";
const WHAT_IS_ALLOWED =
  'a where may use columns, literals, comparisons, AND/OR/NOT, IN (…), BETWEEN, LIKE, IS [NOT] NULL, casts, CASE, arithmetic and the functions listed in docs/config.md';

const SOME_FUNCTIONS: Record<Engine, string> = {
  postgres: 'now(), current_date, date_trunc(), coalesce(), lower(), upper(), length()',
  mysql: 'now(), curdate(), date_sub(), coalesce(), lower(), upper(), length()',
};

/** ` — did you mean "date_trunc"?` for a near miss (a typo), not for any name of similar length. */
function closeTo(name: string, known: ReadonlySet<string>): string {
  const given = name.toLowerCase();
  const best = closest(given, [...known]);
  return distance(given, best) <= Math.max(1, Math.floor(best.length / 5))
    ? ` — did you mean ${best}()?`
    : '';
}

/**
 * Why a `where` is refused, one phrase per construct, each saying what to write instead: shared by
 * the PostgreSQL and MySQL filter parsers so that both refuse in the same words.
 */
export const refusal = {
  subquery: () =>
    "has a subquery (SELECT …) — a where filters the rows of its own table only: put the query in a view and point table: at the view, or compare with literal values, e.g. status IN ('A', 'B')",
  setOperation: (op: string) =>
    `has ${op.toUpperCase()}, a set operation — a where is one boolean expression on its table's rows: combine conditions with OR, or put the query in a view and point table: at it`,
  statementEnd: () =>
    `has ";" outside a string, which would end the statement — write one boolean expression, e.g. ${EXAMPLE} (a ";" inside quotes is fine)`,
  comment: (marker: string) =>
    `has a comment (${marker}) — remove it from the SQL; a note about the filter belongs in a YAML comment (# …) on the line above where:`,
  doubleMinus: () =>
    'has "--", which starts a comment — remove the comment; to subtract a negative number write a - (-1)',
  unbalanced: (what: string) =>
    `${what} — write one boolean expression with balanced parentheses, e.g. ${EXAMPLE}`,
  tooDeep: (limit: number) =>
    `nests more than ${limit} levels deep — simplify the expression, or move the logic into a view and point table: at it`,
  ambiguousString: (engine: Engine) =>
    `has a backslash right before a quote inside a string, which ${ENGINE_NAME[engine]} reads one of two ways depending on a server setting (${
      engine === 'postgres' ? 'standard_conforming_strings' : 'NO_BACKSLASH_ESCAPES'
    }) — write a quote inside a string as two quotes, e.g. 'it''s'; for a backslash at the end of a string write ${
      engine === 'postgres' ? "E'C:\\\\'" : "'C:\\\\'"
    }`,
  unsetVariable: (name: string) =>
    `\${env:${name}} is not set, so the where would run with "\${env:${name}}" in its SQL — set ${name} in the environment of validate, run and sls package, or write the value itself`,
  controlCharacter: (code: number) =>
    `has the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}, which no filter needs and which could hide the rest of the SQL from this check — remove it`,
  syntax: (engine: Engine, detail: string) =>
    `is not valid ${ENGINE_NAME[engine]}: ${detail} — write one boolean expression, e.g. ${EXAMPLE}`,
  function: (engine: Engine, name: string) =>
    `calls ${name}(), which is not on the list of side-effect-free functions a where may use${closeTo(
      name,
      ALLOWED_FUNCTIONS[engine],
    )} — use functions such as ${SOME_FUNCTIONS[engine]} (docs/config.md lists them all), or compute the value in a view`,
  qualifiedFunction: (name: string) =>
    `calls ${name}(), a function of a schema or database — a where may call only the built-in functions listed in docs/config.md; put the query in a view and point table: at it`,
  aggregate: (name: string) =>
    `calls ${name}() as an aggregate or window function, which cannot filter single rows — compare the row's own columns (for a number of rows, use rowCount:)`,
  sessionValue: (name: string) =>
    `reads ${name}, which is about the database session, not the rows — compare the row's columns with literal values or now()`,
  variable: (name: string) =>
    `reads the variable ${name} — a where may use only its table's columns and literal values, e.g. ${EXAMPLE}`,
  parameter: (name: string) =>
    `has the parameter ${name}, which nothing fills in — write the value itself, e.g. ${EXAMPLE}`,
  qualifiedColumn: (name: string) =>
    `names the column ${name} with a table or schema — write the column alone, e.g. ${name.split('.').at(-1)}: a where reads only its own table's columns (for another table's, use a view and point table: at it)`,
  indirection: () =>
    'reads part of a value ((value).field, value[1]) — compare whole columns, or compute the part in a view and point table: at it',
  unsupportedMysql: (form: string, instead: string) =>
    `uses ${form}, which the MySQL parser Stalewatch checks a where with cannot read — ${instead}`,
  star: () => `has *, which is not a value — name a column, e.g. ${EXAMPLE}`,
  cast: (type: string, allowed: readonly string[]) =>
    `casts to ${type}, which a where may not — cast to one of ${allowed.join(', ')}`,
  operator: (op: string) =>
    `uses the operator ${op}, which is not a built-in one a where may use — use comparisons (=, <>, <, >), arithmetic, ||, LIKE, ~ or the JSON operators (->, ->>, #>, #>>, @>, ?)`,
  construct: (what: string) => `has ${what}, which a where may not — ${WHAT_IS_ALLOWED}`,
};
