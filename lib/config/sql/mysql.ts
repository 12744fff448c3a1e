import { AGGREGATES, ALLOWED_CASTS, ALLOWED_FUNCTIONS, MYSQL_OPERATORS } from './allowed';
import { refusal } from './messages';
import { MAX_TREE_DEPTH, Problems, readsTheSameEitherWay } from './problems';

/**
 * A `where` for MySQL and MariaDB: first read token by token as the server reads it (quotes, backtick
 * identifiers, `#`, `--` and `/* … *\/` comments, including MySQL's executable `/*! … *\/`, which the
 * parser would skip but the server runs), then parsed by node-sql-parser's MySQL grammar and walked
 * with an allow-list, like the PostgreSQL tree.
 */

type Mysql = typeof import('node-sql-parser/build/mysql.js');
let loading: Promise<InstanceType<Mysql['Parser']>> | undefined;

/** The parser of the MySQL grammar only (not node-sql-parser's every dialect), loaded on first use. */
function mysqlParser() {
  loading ??= import('node-sql-parser/build/mysql.js').then((m) => {
    // A webpack bundle: Node's ESM loader sees its exports only as the default export.
    const { Parser } = 'Parser' in m ? m : (m as { default: Mysql }).default;
    return new Parser();
  });
  return loading;
}

const PREFIX = 'SELECT 1 FROM t WHERE (';

/** Every problem of a MySQL `where`, or none. `maxNesting` bounds its parentheses. */
export async function mysqlProblems(where: string, maxNesting: number): Promise<string[]> {
  const problems = new Problems();
  if (!lexicalCheck(where, maxNesting, problems)) return problems.list();
  const parser = await mysqlParser();
  let ast: unknown;
  try {
    ast = parser.astify(`${PREFIX}${where})`, { database: 'mysql' });
  } catch (error) {
    if (problems.count === 0) problems.add(unsupportedForm(where) ?? syntaxProblem(error, where));
    return problems.list();
  }
  const select = statementOf(ast);
  if (!select) problems.add(refusal.construct('more than one boolean expression'));
  else new Walk(problems).node(select.where, 0);
  return problems.list();
}

/**
 * The tokens as MySQL reads them: what they show (comments, `;`, set operations, parentheses, strings
 * whose end depends on `NO_BACKSLASH_ESCAPES`). False when the text is not worth parsing.
 */
function lexicalCheck(sql: string, maxNesting: number, problems: Problems): boolean {
  let depth = 0;
  let deepest = 0;
  let parseable = true;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (c === "'" || c === '"' || c === '`') {
      if (c !== '`' && !readsTheSameEitherWay(sql, i)) problems.add(refusal.ambiguousString('mysql'));
      const end = quotedEnd(sql, i);
      if (end < 0) {
        problems.add(refusal.syntax('mysql', `a ${c} is never closed`));
        return false;
      }
      i = end;
    } else if (c === '#') {
      problems.add(refusal.comment('#'));
      i = lineEnd(sql, i);
    } else if (c === '-' && next === '-') {
      // MySQL wants a space after "--" for a comment; "a--1" is a - (-1) there, but not to every
      // parser or client. Refusing both keeps the parser's reading and the server's the same.
      problems.add(/[\s]/.test(sql[i + 2] ?? ' ') ? refusal.comment('--') : refusal.doubleMinus());
      i = lineEnd(sql, i);
    } else if (c === '/' && next === '*') {
      problems.add(refusal.comment(sql[i + 2] === '!' ? '/*! */, which MySQL runs' : '/* */'));
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? sql.length : close + 1;
    } else if (c === ';') {
      problems.add(refusal.statementEnd());
      parseable = false;
    } else if (c === '(') {
      depth++;
      deepest = Math.max(deepest, depth);
    } else if (c === ')') {
      depth--;
      if (depth < 0) {
        problems.add(refusal.unbalanced('closes a parenthesis it did not open'));
        return false;
      }
    } else if (/[A-Za-z_]/.test(c) && !/[\w$]/.test(sql[i - 1] ?? ' ')) {
      const word = /^[\w$]+/.exec(sql.slice(i, i + 64))?.[0] ?? c;
      if (/^(union|intersect|except)$/i.test(word)) problems.add(refusal.setOperation(word));
      i += word.length - 1;
    }
  }
  if (deepest > maxNesting) {
    problems.add(refusal.tooDeep(maxNesting));
    parseable = false;
  }
  if (depth > 0) {
    problems.add(refusal.unbalanced('leaves a parenthesis open'));
    parseable = false;
  }
  return parseable;
}

/** The index of the quote that closes the one at `start` (backslash escapes, doubled quotes), or -1. */
function quotedEnd(sql: string, start: number): number {
  const quote = sql[start];
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] === '\\' && quote !== '`') i++;
    else if (sql[i] === quote && sql[i + 1] === quote) i++;
    else if (sql[i] === quote) return i;
  }
  return -1;
}

function lineEnd(sql: string, from: number): number {
  const end = sql.indexOf('\n', from);
  return end < 0 ? sql.length : end;
}

/** `sql` with the inside of every quoted string and identifier blanked: what is left is SQL, not data. */
function outsideQuotes(sql: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c !== "'" && c !== '"' && c !== '`') continue;
    const end = quotedEnd(sql, i);
    if (end < 0) break;
    out += `${sql.slice(from, i + 1)}${' '.repeat(end - i - 1)}${c}`;
    from = end + 1;
    i = end;
  }
  return out + sql.slice(from);
}

/**
 * MySQL forms that node-sql-parser's grammar cannot read, named with what to write instead, for a
 * `where` it failed to parse (so that "syntax error" is not said of valid MySQL). Each pattern is
 * linear: no nested quantifiers.
 */
function unsupportedForm(where: string): string | null {
  const sql = outsideQuotes(where);
  if (sql.includes('<=>'))
    return refusal.unsupportedMysql(
      '<=> (NULL-safe equality)',
      'write (a = b OR (a IS NULL AND b IS NULL)), or a IS NULL to compare with NULL',
    );
  const binary = /(^|[^\w$.])binary\s+([A-Za-z_`'"(][\w$]*)/i.exec(sql);
  if (binary && !/\bas\s*$/i.test(sql.slice(0, binary.index + (binary[1]?.length ?? 0)))) {
    const value = binary[2]?.replace(/^[`'"(]$/, 'x') || 'x';
    return refusal.unsupportedMysql(
      'BINARY before a value',
      `write CAST(${value} AS BINARY) = 'x' for a byte-by-byte comparison, or ${value} COLLATE utf8mb4_bin = 'x' for a case-sensitive one`,
    );
  }
  const introducer = /(^|[^\w$.])(_[A-Za-z0-9]+)\s*'/.exec(sql);
  if (introducer) {
    const start = (introducer.index ?? 0) + (introducer[0].length - 1);
    const end = quotedEnd(where, start);
    const text = end > start ? where.slice(start, end + 1) : "'x'";
    return refusal.unsupportedMysql(
      `a character set introducer (${introducer[2]}'…')`,
      `write the plain string ${text}: MySQL compares it in the column's own character set`,
    );
  }
  return null;
}

function syntaxProblem(error: unknown, where: string): string {
  if (error instanceof RangeError) return refusal.tooDeep(MAX_TREE_DEPTH);
  const e = error as { found?: unknown; location?: { start?: { offset?: number } } };
  const offset = e.location?.start?.offset;
  const near =
    typeof e.found === 'string' ? `syntax error at or near "${e.found}"` : 'syntax error at the end';
  const inWhere =
    offset !== undefined && offset >= PREFIX.length && offset <= PREFIX.length + where.length
      ? ` (character ${offset - PREFIX.length + 1})`
      : '';
  return refusal.syntax('mysql', `${near}${inWhere}`);
}

type Fields = Record<string, unknown>;
const isFields = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The one SELECT parsed, if that is all there is. */
function statementOf(ast: unknown): Fields | null {
  const list = Array.isArray(ast) ? ast : [ast];
  const select = list.length === 1 && isFields(list[0]) && list[0].type === 'select' ? list[0] : null;
  if (!select) return null;
  const empty = (v: unknown) =>
    v === null || v === undefined || (isFields(v) && Object.values(v).every((x) => x === null));
  const expected = new Set(['type', 'columns', 'from', 'where']);
  return Object.entries(select).every(([k, v]) => expected.has(k) || empty(v)) ? select : null;
}

/** What a known node may hold: expressions to walk, plain fields, and a check of its own. */
interface NodeRule {
  exprs?: readonly string[];
  plain?: readonly string[];
  check?: (node: Fields, walk: Walk, depth: number) => void;
}

const LITERAL: NodeRule = { plain: ['value', 'prefix'] };
const KEYWORD = /^[A-Za-z_]+( [A-Za-z_]+)*$/;
const UNARY = new Set(['-', '+', '~', '!', 'NOT']);

/** `{name: [{value: 'NOW'}], schema?}` → ['NOW'] (with the schema first, when there is one). */
function functionName(node: Fields): string[] {
  const name = isFields(node.name) ? node.name : {};
  const parts = Array.isArray(name.name) ? name.name.map((p) => String(isFields(p) ? p.value : p)) : [];
  const schema = isFields(name.schema) ? [String(name.schema.value)] : [];
  return [...schema, ...parts];
}

const RULES: Record<string, NodeRule> = {
  column_ref: {
    plain: ['table', 'column', 'db', 'schema', 'collate'],
    check: (n, walk) => {
      const column = isFields(n.column) && isFields(n.column.expr) ? n.column.expr.value : n.column;
      const qualifier = [n.db, n.schema, n.table].filter((q) => typeof q === 'string' && q !== '');
      if (column === '*') walk.problems.add(refusal.star());
      else if (typeof column !== 'string') walk.problems.add(refusal.construct('this column reference'));
      // The where's FROM is its own table alone: `t.status` names nothing else (docs/config.md).
      else if (qualifier.length > 0)
        walk.problems.add(refusal.qualifiedColumn([...qualifier, column].join('.')));
      collation(n.collate, walk);
    },
  },
  number: LITERAL,
  bigint: LITERAL,
  single_quote_string: { plain: ['value', 'prefix', 'escape'], check: escapeClause },
  double_quote_string: { plain: ['value', 'prefix', 'escape'], check: escapeClause },
  natural_string: LITERAL,
  hex_string: LITERAL,
  full_hex_string: LITERAL,
  bit_string: LITERAL,
  bool: LITERAL,
  null: LITERAL,
  date: LITERAL,
  time: LITERAL,
  timestamp: LITERAL,
  datetime: LITERAL,
  binary_expr: {
    exprs: ['left', 'right'],
    plain: ['operator'],
    check: (n, walk) => {
      if (!MYSQL_OPERATORS.has(String(n.operator))) walk.problems.add(refusal.operator(String(n.operator)));
    },
  },
  unary_expr: {
    exprs: ['expr'],
    plain: ['operator'],
    check: (n, walk) => {
      if (!UNARY.has(String(n.operator))) walk.problems.add(refusal.operator(String(n.operator)));
    },
  },
  expr_list: { exprs: ['value'] },
  function: {
    exprs: ['args'],
    plain: ['name', 'over', 'args_parentheses'],
    check: (n, walk) => {
      const name = functionName(n);
      const last = name.at(-1) ?? '?';
      if (name.length > 1) walk.problems.add(refusal.qualifiedFunction(name.join('.')));
      else if (/^(exists|any|some|all)$/i.test(last)) walk.problems.add(refusal.subquery());
      else if (n.over || AGGREGATES.test(last)) walk.problems.add(refusal.aggregate(last));
      else if (!ALLOWED_FUNCTIONS.mysql.has(last.toLowerCase()) && !/^row$/i.test(last))
        walk.problems.add(refusal.function('mysql', last));
    },
  },
  aggr_func: {
    plain: ['name', 'args', 'over', 'filter', 'within_group_orderby'],
    check: (n, walk) => walk.problems.add(refusal.aggregate(String(n.name))),
  },
  cast: {
    exprs: ['expr'],
    plain: ['keyword', 'symbol', 'target', 'collate'],
    check: (n, walk) => {
      for (const target of Array.isArray(n.target) ? n.target : [null]) castTarget(target, walk);
      collation(n.collate, walk);
    },
  },
  // CONVERT(x, CHAR): the type a value is converted to.
  datatype: {
    plain: ['dataType', 'length', 'scale', 'suffix'],
    check: (n, walk) => castTarget(n, walk),
  },
  case: { exprs: ['expr', 'args'] },
  when: { exprs: ['cond', 'result'] },
  else: { exprs: ['result'] },
  interval: {
    exprs: ['expr'],
    plain: ['unit'],
    check: (n, walk) => {
      if (!KEYWORD.test(String(n.unit))) walk.problems.add(refusal.construct(`INTERVAL … ${String(n.unit)}`));
    },
  },
  extract: {
    plain: ['args'],
    check: (n, walk, depth) => {
      const args = isFields(n.args) ? n.args : {};
      if (!KEYWORD.test(String(args.field)))
        walk.problems.add(refusal.construct(`EXTRACT(${String(args.field)} …)`));
      walk.node(args.source, depth + 1);
    },
  },
  // A keyword the grammar keeps as written: TRIM(BOTH … FROM …), TIMESTAMPDIFF(DAY, …).
  origin: {
    plain: ['value'],
    check: (n, walk) => {
      if (!KEYWORD.test(String(n.value))) walk.problems.add(refusal.construct(String(n.value)));
    },
  },
};

/** `SIGNED`, `UNSIGNED INTEGER`, `DECIMAL(10,2)`, `CHAR CHARACTER SET utf8mb4`: one of the allowed types. */
function castTarget(target: unknown, walk: Walk): void {
  const type = isFields(target) ? String(target.dataType) : '?';
  if (!ALLOWED_CASTS.mysql.has(type.toLowerCase().replace(/ integer$/, '')))
    walk.problems.add(
      refusal.cast(
        type,
        [...ALLOWED_CASTS.mysql].map((t) => t.toUpperCase()),
      ),
    );
}

function escapeClause(n: Fields, walk: Walk, depth: number): void {
  if (isFields(n.escape)) walk.node(n.escape.value, depth + 1);
}

/** `COLLATE utf8mb4_bin`: a name, nothing else. */
function collation(collate: unknown, walk: Walk): void {
  if (!isFields(collate)) return;
  const name = isFields(collate.collate) ? collate.collate.name : undefined;
  if (typeof name !== 'string' || !/^\w+$/.test(name)) walk.problems.add(refusal.construct('this COLLATE'));
}

/** Fields any node may carry: its type, its position, whether it was in parentheses. */
const ANY_NODE = new Set(['type', 'loc', 'parentheses']);

class Walk {
  constructor(readonly problems: Problems) {}

  node(value: unknown, depth: number): void {
    if (value === undefined || value === null) return;
    if (depth > MAX_TREE_DEPTH) {
      this.problems.add(refusal.tooDeep(MAX_TREE_DEPTH));
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) this.node(item, depth);
      return;
    }
    if (!isFields(value)) {
      this.problems.add(refusal.construct('something the parser did not describe'));
      return;
    }
    if ('ast' in value || value.type === 'select') {
      this.problems.add(refusal.subquery());
      return;
    }
    const type = String(value.type);
    const rule = RULES[type];
    if (!rule) {
      this.problems.add(refused(type, value));
      return;
    }
    const known = new Set([...ANY_NODE, ...(rule.exprs ?? []), ...(rule.plain ?? [])]);
    const unknown = Object.keys(value).filter((k) => !known.has(k) && !isUsingSuffix(k, value[k]));
    if (unknown.length > 0) this.problems.add(refusal.construct(`${type} with ${unknown.join(', ')}`));
    rule.check?.(value, this, depth);
    for (const key of rule.exprs ?? []) this.node(value[key], depth + 1);
  }
}

/** `CONVERT(x USING utf8mb4)` is kept as the suffix "USING UTF8MB4" of x, whatever x is. */
function isUsingSuffix(key: string, value: unknown): boolean {
  return key === 'suffix' && typeof value === 'string' && /^USING \w+$/i.test(value);
}

function refused(type: string, node: Fields): string {
  if (type === 'var') return refusal.variable(`${String(node.prefix ?? '@')}${String(node.name)}`);
  if (type === 'param') return refusal.parameter(`:${String(node.value)}`);
  if (type === 'star') return refusal.star();
  return refusal.construct(`a ${type.replaceAll('_', ' ')} expression`);
}
