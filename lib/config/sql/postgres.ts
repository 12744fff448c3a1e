import {
  AGGREGATES,
  ALLOWED_CASTS,
  ALLOWED_FUNCTIONS,
  POSTGRES_CAST_NAMES,
  POSTGRES_OPERATORS,
} from './allowed';
import { refusal } from './messages';
import { MAX_TREE_DEPTH, Problems, readsTheSameEitherWay } from './problems';

/**
 * A `where` read by PostgreSQL's own parser (libpg_query, compiled to WebAssembly: the `libpg-query`
 * package), then walked with an allow-list: every node of the tree must be one this file knows to be
 * a plain filter, with only the fields it knows. What the walk does not know is refused.
 */

type PgQuery = typeof import('libpg-query');
let loading: Promise<PgQuery> | undefined;

/** The parser, loaded once and only when a PostgreSQL source has a `where` (docs/config.md: its cost). */
function pgQuery(): Promise<PgQuery> {
  loading ??= import('libpg-query').then(async (pg) => {
    await pg.loadModule();
    return pg;
  });
  return loading;
}

/** The statement a `where` is parsed in: the shape `lib/core/sql.ts` pastes it into. */
const PREFIX = 'SELECT 1 FROM t WHERE (';

type Fields = Record<string, unknown>;
const isFields = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const svals = (list: unknown): string[] =>
  Array.isArray(list)
    ? list.map((n) => (isFields(n) && isFields(n.String) ? String(n.String.sval) : '?'))
    : [];

/** Every problem of a PostgreSQL `where`, or none. `maxNesting` bounds its parentheses. */
export async function postgresProblems(where: string, maxNesting: number): Promise<string[]> {
  const pg = await pgQuery();
  const problems = new Problems();
  if (!lexicalCheck(pg, where, maxNesting, problems)) return problems.list();
  let tree: unknown;
  try {
    tree = pg.parseSync(`${PREFIX}${where})`);
  } catch (error) {
    // A comment or a set operation already said is what made it unparseable.
    if (problems.count === 0) problems.add(syntaxProblem(error, where));
    return problems.list();
  }
  const select = statementOf(tree);
  if (!select) problems.add(refusal.construct('more than one boolean expression'));
  else new Walk(problems).node(select.whereClause, 0);
  return problems.list();
}

/**
 * What the tokens alone show: comments, `;`, set operations, unbalanced or too deep parentheses, and
 * strings whose end depends on server settings. False when the text is not worth parsing.
 */
function lexicalCheck(pg: PgQuery, where: string, maxNesting: number, problems: Problems): boolean {
  let tokens: ReturnType<PgQuery['scanSync']>['tokens'];
  try {
    tokens = pg.scanSync(where).tokens;
  } catch {
    // An unclosed quote or comment, which the parser words better. Unread tokens are never accepted.
    problems.add(unscannable(pg, where));
    return false;
  }
  let depth = 0;
  let deepest = 0;
  let parseable = true;
  for (const token of tokens) {
    const text = token.text;
    if (token.tokenName === 'SQL_COMMENT') problems.add(refusal.comment('--'));
    else if (token.tokenName === 'C_COMMENT') problems.add(refusal.comment('/* */'));
    else if (text === ';') {
      problems.add(refusal.statementEnd());
      parseable = false;
    } else if (text === '(' || text === '[') {
      depth++;
      deepest = Math.max(deepest, depth);
    } else if (text === ')' || text === ']') {
      depth--;
      if (depth < 0) {
        problems.add(refusal.unbalanced(`closes a parenthesis it did not open`));
        return false;
      }
    } else if (token.keywordKind !== 0 && /^(union|intersect|except)$/i.test(text)) {
      problems.add(refusal.setOperation(text));
    } else if (token.tokenName === 'SCONST' && text.startsWith("'") && !readsTheSameEitherWay(text, 0)) {
      problems.add(refusal.ambiguousString('postgres'));
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

function unscannable(pg: PgQuery, where: string): string {
  try {
    pg.parseSync(`${PREFIX}${where})`);
  } catch (error) {
    return syntaxProblem(error, where);
  }
  return refusal.syntax('postgres', 'its tokens could not be read');
}

function syntaxProblem(error: unknown, where: string): string {
  if (error instanceof RangeError) return refusal.tooDeep(MAX_TREE_DEPTH);
  const details = (error as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
  const message = details?.message ?? (error instanceof Error ? error.message : String(error));
  if (/memory exhausted/.test(message)) return refusal.tooDeep(MAX_TREE_DEPTH);
  const position = details?.cursorPosition;
  const inWhere =
    position !== undefined && position >= PREFIX.length && position <= PREFIX.length + where.length
      ? ` (character ${position - PREFIX.length + 1})`
      : '';
  return refusal.syntax('postgres', `${message}${inWhere}`);
}

/** The one SELECT parsed, if that is all there is. */
function statementOf(tree: unknown): Fields | null {
  const stmts = isFields(tree) && Array.isArray(tree.stmts) ? tree.stmts : [];
  const stmt = stmts.length === 1 && isFields(stmts[0]) ? stmts[0].stmt : null;
  const select = isFields(stmt) && isFields(stmt.SelectStmt) ? stmt.SelectStmt : null;
  const expected = new Set(['targetList', 'fromClause', 'whereClause', 'limitOption', 'op']);
  if (!select || Object.keys(select).some((k) => !expected.has(k))) return null;
  return select;
}

/** What a known node may hold: expressions to walk, plain fields, and a check of its own. */
interface NodeRule {
  exprs?: readonly string[];
  plain?: readonly string[];
  check?: (fields: Fields, walk: Walk, depth: number) => void;
}

const EXPRESSION_OPERATORS = new Set(['AEXPR_OP', 'AEXPR_OP_ANY', 'AEXPR_OP_ALL']);
const DATE_AND_TIME_VALUES =
  /^SVFOP_(CURRENT_DATE|CURRENT_TIME|CURRENT_TIMESTAMP|LOCALTIME|LOCALTIMESTAMP)(_N)?$/;
const AGGREGATE_FIELDS = ['agg_order', 'agg_filter', 'over', 'agg_within_group', 'agg_star', 'agg_distinct'];

const RULES: Record<string, NodeRule> = {
  ColumnRef: {
    plain: ['fields'],
    check: (f, walk) => {
      const parts = Array.isArray(f.fields) ? f.fields : [];
      if (parts.some((n) => isFields(n) && 'A_Star' in n)) walk.problems.add(refusal.star());
      // `t.status`, `public.placement.status`: the where's FROM is its own table alone, so a qualifier
      // names nothing else; refused here rather than failing on the database at run time.
      else if (parts.length > 1) walk.problems.add(refusal.qualifiedColumn(svals(parts).join('.')));
    },
  },
  A_Const: { plain: ['ival', 'fval', 'sval', 'bsval', 'boolval', 'isnull'] },
  A_Expr: {
    exprs: ['lexpr', 'rexpr'],
    plain: ['kind', 'name', 'rexpr_list_start', 'rexpr_list_end'],
    check: (f, walk) => {
      if (!EXPRESSION_OPERATORS.has(String(f.kind))) return;
      const name = svals(f.name);
      const op = name.at(-1) ?? '?';
      const schema = name.slice(0, -1);
      if (!POSTGRES_OPERATORS.has(op) || (schema.length > 0 && schema.join('.') !== 'pg_catalog'))
        walk.problems.add(refusal.operator(name.join('.')));
    },
  },
  BoolExpr: { exprs: ['args'], plain: ['boolop'] },
  NullTest: { exprs: ['arg'], plain: ['nulltesttype', 'argisrow'] },
  BooleanTest: { exprs: ['arg'], plain: ['booltesttype'] },
  TypeCast: {
    exprs: ['arg'],
    plain: ['typeName'],
    check: (f, walk, depth) => {
      const type = isFields(f.typeName) ? f.typeName : {};
      const names = svals(type.names);
      const name = names.at(-1) ?? '?';
      const schema = names.slice(0, -1).join('.');
      const known = ['names', 'typmods', 'typemod', 'arrayBounds', 'location'];
      if (
        !ALLOWED_CASTS.postgres.has(name) ||
        (schema !== '' && schema !== 'pg_catalog') ||
        Object.keys(type).some((k) => !known.includes(k))
      ) {
        walk.problems.add(refusal.cast(names.join('.'), POSTGRES_CAST_NAMES));
      }
      walk.node(type.typmods, depth + 1);
    },
  },
  CaseExpr: { exprs: ['arg', 'args', 'defresult'] },
  CaseWhen: { exprs: ['expr', 'result'] },
  CoalesceExpr: { exprs: ['args'] },
  MinMaxExpr: { exprs: ['args'], plain: ['op'] },
  SQLValueFunction: {
    plain: ['op', 'typmod'],
    check: (f, walk) => {
      const op = String(f.op);
      if (!DATE_AND_TIME_VALUES.test(op))
        walk.problems.add(refusal.sessionValue(op.replace(/^SVFOP_/, '').toLowerCase()));
    },
  },
  FuncCall: {
    exprs: ['args'],
    plain: ['funcname', 'funcformat', 'func_variadic', ...AGGREGATE_FIELDS],
    check: (f, walk, depth) => {
      const names = svals(f.funcname);
      const name = names.at(-1) ?? '?';
      const schema = names.slice(0, -1).join('.');
      if (schema !== '' && schema !== 'pg_catalog')
        walk.problems.add(refusal.qualifiedFunction(names.join('.')));
      else if (AGGREGATE_FIELDS.some((k) => f[k] !== undefined) || AGGREGATES.test(name))
        walk.problems.add(refusal.aggregate(name));
      else if (!ALLOWED_FUNCTIONS.postgres.has(name)) walk.problems.add(refusal.function('postgres', name));
      walk.node(f.agg_order, depth + 1);
      walk.node(f.agg_filter, depth + 1);
    },
  },
  NamedArgExpr: { exprs: ['arg'], plain: ['name', 'argnumber'] },
  A_ArrayExpr: { exprs: ['elements'], plain: ['list_start', 'list_end'] },
  // `(value).field` and `value[1]`, `value[1:2]`: parts of a value are no filter on whole columns, and
  // a slice's bounds are arbitrary expressions; refused (docs/config.md "Refused").
  A_Indirection: {
    plain: ['arg', 'indirection'],
    check: (_f, walk) => walk.problems.add(refusal.indirection()),
  },
  CollateClause: { exprs: ['arg'], plain: ['collname'] },
  RowExpr: { exprs: ['args'], plain: ['row_format', 'colnames'] },
  List: { exprs: ['items'] },
};

/** Nodes refused with their own words; any other node is refused as a construct. */
const REFUSED: Record<string, (fields: Fields) => string> = {
  SubLink: () => refusal.subquery(),
  SelectStmt: () => refusal.subquery(),
  ParamRef: (f) => refusal.parameter(`$${String(f.number ?? '')}`),
  A_Star: () => refusal.star(),
  GroupingFunc: () => refusal.aggregate('grouping'),
  SetToDefault: () => refusal.construct('DEFAULT'),
  JsonIsPredicate: () => refusal.construct('IS JSON'),
  XmlExpr: () => refusal.construct('an XML expression'),
  XmlSerialize: () => refusal.construct('XMLSERIALIZE'),
};

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
    const [type, fields] = isFields(value) ? (Object.entries(value)[0] ?? []) : [];
    if (typeof type !== 'string' || !isFields(fields)) {
      this.problems.add(refusal.construct('something the parser did not describe'));
      return;
    }
    const rule = RULES[type];
    if (!rule) {
      this.problems.add(REFUSED[type]?.(fields) ?? refusal.construct(`a ${type} expression`));
      return;
    }
    const known = new Set(['location', ...(rule.exprs ?? []), ...(rule.plain ?? [])]);
    const unknown = Object.keys(fields).filter((k) => !known.has(k));
    if (unknown.length > 0) this.problems.add(refusal.construct(`${type} with ${unknown.join(', ')}`));
    rule.check?.(fields, this, depth);
    for (const key of rule.exprs ?? []) this.node(fields[key], depth + 1);
  }
}
