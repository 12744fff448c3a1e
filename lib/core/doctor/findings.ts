/**
 * What `stalewatch doctor` found: one line per thing a deployment needs, either `ok` or what to do
 * (SPEC.md "CLI", `doctor`).
 */
export interface Finding {
  ok: boolean;
  /** What was looked at: `source tis`, `contact platform`, `SES`, `alarm topic`. */
  subject: string;
  /** What is right, or what is wrong and the command or step that puts it right. */
  text: string;
}

/** A finding that is in order. */
export const ok = (subject: string, text: string): Finding => ({ ok: true, subject, text });
/** A finding that needs doing, with what to do. */
export const toDo = (subject: string, text: string): Finding => ({ ok: false, subject, text });

/** `ok     source tis: …` and `to do  source tis: …`, one line each. */
export function formatFindings(findings: readonly Finding[]): string {
  return findings
    .map((f) => `${f.ok ? 'ok   ' : 'to do'}  ${f.subject}: ${f.text.replaceAll('\n', ' ')}\n`)
    .join('');
}
