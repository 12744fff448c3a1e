import type { Engine } from '../../core/model/config';
import { WHERE_MAX_LENGTH, WHERE_MAX_NESTING } from './limits';
import { refusal } from './messages';
import { mysqlProblems } from './mysql';
import { postgresProblems } from './postgres';

/**
 * Whether a `where` is a plain filter on its table's rows, read by a real SQL parser for the source's
 * engine. The parsers are loaded only when a `where` of that engine is checked, so that commands that
 * have none pay nothing, and the deployed functions (which read the compiled config) never load them.
 */

/** A control character other than tab, newline and carriage return. */
const CONTROL = /[^\P{Cc}\t\n\r]/u;
const UNSET_ENV = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Every problem of `where` on `engine`, each a message that says what to write instead; none if fine. */
export async function filterProblems(engine: Engine, where: string): Promise<string[]> {
  // Too long: the schema says so; nothing here is worth parsing.
  if (where.length > WHERE_MAX_LENGTH) return [];
  // `${env:NAME}` is still there only when the environment did not have NAME.
  const unset = [...new Set([...where.matchAll(UNSET_ENV)].map((m) => m[1] as string))];
  if (unset.length > 0) return unset.map((name) => refusal.unsetVariable(name));
  if (where.trim() === '') return [refusal.syntax(engine, 'it is empty')];
  // A NUL ends the text the (C) parser reads, so what follows it would go unread; no filter needs one.
  const control = CONTROL.exec(where);
  if (control) return [refusal.controlCharacter(control[0].codePointAt(0) ?? 0)];
  return engine === 'postgres'
    ? postgresProblems(where, WHERE_MAX_NESTING)
    : mysqlProblems(where, WHERE_MAX_NESTING);
}
