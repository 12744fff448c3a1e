/**
 * The pieces of SQL text every statement builder writes: string literals and table names split into
 * schema and name. Config has already refused anything but letters, digits and `_` in names, so the
 * quoting here is belt and braces, written once so that no builder quotes differently.
 */

/** A string literal: `'placement'`, with any `'` doubled. */
export function sqlLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** `[schema.]table` split; the schema is `fallback` when the table names none. */
export function tableParts(
  table: string,
  fallback: string | null = null,
): { schema: string | null; name: string } {
  const [a, b] = table.split('.');
  return b === undefined ? { schema: fallback, name: a as string } : { schema: a as string, name: b };
}

/**
 * MySQL's `information_schema` condition for a table: `TABLE_SCHEMA = … AND TABLE_NAME = …`, in the
 * connection's database (`DATABASE()`) when the table names no schema.
 */
export function mysqlTableIs(table: string): string {
  const { schema, name } = tableParts(table);
  return `TABLE_SCHEMA = ${schema ? sqlLiteral(schema) : 'DATABASE()'} AND TABLE_NAME = ${sqlLiteral(name)}`;
}
