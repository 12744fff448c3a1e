import type { SourceConfig } from '../model/config';
import { quoteTable } from '../sql';
import { sqlLiteral, tableParts } from '../sql-text';
import { durationSeconds } from '../time/duration';
import { type Finding, ok, toDo } from './findings';

/**
 * What the monitor's database role may do, read from the database's own catalog in one statement per
 * source, and judged against docs/sources.md "The monitor's database role": SELECT on each watched
 * table, no way to write, and on PostgreSQL a read-only default and a statement timeout. The statements
 * are fixed catalog reads with no text from config in them but quoted table names; they change nothing.
 */

/** The statement that reads the role's settings and its privileges on `tables`. */
export function roleStatement(source: SourceConfig, tables: readonly string[]): string {
  if (source.engine === 'postgres') {
    const columns = tables.flatMap((table, i) => {
      const relation = `pg_catalog.to_regclass(${sqlLiteral(quoteTable('postgres', table))})`;
      return [
        `pg_catalog.has_table_privilege(${relation}, 'SELECT') AS r${i}`,
        `pg_catalog.has_table_privilege(${relation}, 'INSERT, UPDATE, DELETE, TRUNCATE') AS w${i}`,
      ];
    });
    const schemas = [...new Set(tables.map((t) => tableParts(t, 'public').schema as string))];
    const creates = schemas.map(
      (schema, i) =>
        `(SELECT pg_catalog.has_schema_privilege(oid, 'CREATE') FROM pg_catalog.pg_namespace WHERE nspname = ${sqlLiteral(schema)}) AS c${i}`,
    );
    return [
      'SELECT current_user AS role,',
      '  (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) AS superuser,',
      "  pg_catalog.current_setting('default_transaction_read_only') AS read_only,",
      "  (SELECT setting FROM pg_catalog.pg_settings WHERE name = 'statement_timeout') AS timeout_ms",
      ...[...columns, ...creates].map((c) => `, ${c}`),
    ].join('\n');
  }
  const grantee =
    "CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')";
  const privileges = (view: string, where: string) =>
    `(SELECT GROUP_CONCAT(PRIVILEGE_TYPE) FROM information_schema.${view} WHERE GRANTEE = ${grantee}${where})`;
  const schemas = [...new Set(tables.map((t) => tableParts(t, source.database).schema as string))];
  return [
    'SELECT CURRENT_USER() AS role,',
    `  ${privileges('USER_PRIVILEGES', '')} AS global_privileges`,
    ...schemas.map(
      (schema, i) =>
        `, ${privileges('SCHEMA_PRIVILEGES', ` AND TABLE_SCHEMA = ${sqlLiteral(schema)}`)} AS s${i}`,
    ),
    ...tables.flatMap((table, i) => {
      const { schema, name } = tableParts(table, source.database);
      const where = ` AND TABLE_SCHEMA = ${sqlLiteral(schema as string)} AND TABLE_NAME = ${sqlLiteral(name)}`;
      return [
        `, (SELECT COUNT(*) FROM information_schema.TABLES WHERE 1 = 1${where}) AS e${i}`,
        `, ${privileges('TABLE_PRIVILEGES', where)} AS t${i}`,
      ];
    }),
  ].join('\n');
}

const truthy = (value: unknown) => value === true || value === 't' || value === 'true' || value === 1;
const list = (value: unknown) =>
  typeof value === 'string' && value ? value.split(',').map((p) => p.trim().toUpperCase()) : [];
/** MySQL privileges that only read. Anything else lets the role change data or run code. */
const READING = new Set(['SELECT', 'USAGE', 'SHOW VIEW']);

/** The role's findings, from the row `roleStatement` returned. */
export function roleFindings(
  source: SourceConfig,
  tables: readonly string[],
  row: Record<string, unknown>,
): Finding[] {
  const subject = `source ${source.name}`;
  const role = String(row.role ?? '');
  return source.engine === 'postgres'
    ? postgresFindings(subject, role, source, tables, row)
    : mysqlFindings(subject, role, source, tables, row);
}

function postgresFindings(
  subject: string,
  role: string,
  source: SourceConfig,
  tables: readonly string[],
  row: Record<string, unknown>,
): Finding[] {
  const findings: Finding[] = [];
  const limitMs = durationSeconds(source.statementTimeout || '30s') * 1000;
  if (truthy(row.superuser)) {
    findings.push(
      toDo(
        subject,
        `role ${role} is a superuser, so nothing stops it writing; give the secret the monitor role of docs/deploy.md instead`,
      ),
    );
  }
  findings.push(
    row.read_only === 'on'
      ? ok(subject, `role ${role} starts every transaction read-only`)
      : toDo(
          subject,
          `role ${role} may start transactions that write; run: ALTER ROLE ${role} SET default_transaction_read_only = on;`,
        ),
  );
  const timeoutMs = Number(row.timeout_ms ?? 0);
  findings.push(
    timeoutMs > 0 && timeoutMs <= limitMs
      ? ok(
          subject,
          `role ${role} has a statement timeout of ${timeoutMs / 1000} s (at most statementTimeout)`,
        )
      : toDo(
          subject,
          `role ${role} has ${timeoutMs > 0 ? `a statement timeout of ${timeoutMs / 1000} s, longer than` : 'no statement timeout, so each run costs 4 Data API calls instead of 1, and nothing in the role caps'} the source's statementTimeout of ${source.statementTimeout || '30s'}; run: ALTER ROLE ${role} SET statement_timeout = '${source.statementTimeout || '30s'}';`,
        ),
  );
  tables.forEach((table, i) => {
    const reads = row[`r${i}`];
    if (reads === null || reads === undefined) {
      findings.push(
        toDo(
          subject,
          `table ${table} does not exist, or role ${role} cannot see it; check the dataset's table: and the source's database, then: GRANT USAGE ON SCHEMA ${tableParts(table, 'public').schema} TO ${role}; GRANT SELECT ON ${table} TO ${role};`,
        ),
      );
      return;
    }
    const problems = [
      ...(truthy(reads)
        ? []
        : [`role ${role} cannot read ${table}; run: GRANT SELECT ON ${table} TO ${role};`]),
      ...(truthy(row[`w${i}`])
        ? [
            `role ${role} can write ${table}; run: REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ${table} FROM ${role};`,
          ]
        : []),
    ];
    findings.push(
      problems.length === 0
        ? ok(subject, `role ${role} can read ${table} and cannot write it`)
        : toDo(subject, problems.join(' Also: ')),
    );
  });
  const schemas = [...new Set(tables.map((t) => tableParts(t, 'public').schema as string))];
  schemas.forEach((schema, i) => {
    if (truthy(row[`c${i}`])) {
      findings.push(
        toDo(
          subject,
          `role ${role} can create tables in schema ${schema}; run: REVOKE CREATE ON SCHEMA ${schema} FROM PUBLIC, ${role};`,
        ),
      );
    }
  });
  return findings;
}

function mysqlFindings(
  subject: string,
  role: string,
  source: SourceConfig,
  tables: readonly string[],
  row: Record<string, unknown>,
): Finding[] {
  const findings: Finding[] = [];
  const [user, host] = role.split('@');
  const account = `'${user}'@'${host ?? '%'}'`;
  const more = (privileges: string[]) => privileges.filter((p) => !READING.has(p));
  const global = list(row.global_privileges);
  const globalMore = more(global);
  findings.push(
    globalMore.length === 0
      ? ok(subject, `user ${account} has no server-wide privilege beyond reading`)
      : toDo(
          subject,
          `user ${account} may ${globalMore.join(', ')} on every database; run: REVOKE ALL PRIVILEGES, GRANT OPTION FROM ${account}; then grant SELECT on the watched tables alone (docs/deploy.md)`,
        ),
  );
  const schemas = [...new Set(tables.map((t) => tableParts(t, source.database).schema as string))];
  const schemaPrivileges = new Map(schemas.map((s, i) => [s, list(row[`s${i}`])]));
  for (const [schema, privileges] of schemaPrivileges) {
    if (more(privileges).length > 0) {
      findings.push(
        toDo(
          subject,
          `user ${account} may ${more(privileges).join(', ')} on database ${schema}; run: REVOKE ALL PRIVILEGES ON ${schema}.* FROM ${account};`,
        ),
      );
    }
  }
  tables.forEach((table, i) => {
    const { schema, name } = tableParts(table, source.database);
    const qualified = `${schema}.${name}`;
    const exists = Number(row[`e${i}`] ?? 0) > 0;
    const all = [...global, ...(schemaPrivileges.get(schema as string) ?? []), ...list(row[`t${i}`])];
    if (!exists) {
      findings.push(
        toDo(
          subject,
          `table ${qualified} does not exist, or user ${account} cannot see it; check the dataset's table:, then: GRANT SELECT ON ${qualified} TO ${account};`,
        ),
      );
      return;
    }
    const tableMore = more(list(row[`t${i}`]));
    const problems = [
      ...(all.includes('SELECT')
        ? []
        : [`user ${account} cannot read ${qualified}; run: GRANT SELECT ON ${qualified} TO ${account};`]),
      ...(tableMore.length > 0
        ? [
            `user ${account} may ${tableMore.join(', ')} on ${qualified}; run: REVOKE ${tableMore.join(', ')} ON ${qualified} FROM ${account};`,
          ]
        : []),
    ];
    const canWrite = more(all).length > 0;
    findings.push(
      problems.length > 0
        ? toDo(subject, problems.join(' Also: '))
        : canWrite
          ? toDo(subject, `user ${account} can write ${qualified} through its grants above`)
          : ok(subject, `user ${account} can read ${qualified} and cannot write it`),
    );
  });
  return findings;
}
