import type { FieldPath } from './yaml-file';

/** A `${env:NAME}` that the environment did not have: left in place, and named where it is needed. */
export interface UnsetVariable {
  path: FieldPath;
  variable: string;
}

const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replaces every `${env:NAME}` in the strings of `data` with the variable's value. Secret references
 * (`${ssm:…}`, `${secret:…}`) are left as they are: only the sending code resolves them.
 */
export function interpolateEnv(
  data: unknown,
  env: Readonly<Record<string, string | undefined>>,
): { data: unknown; unset: UnsetVariable[] } {
  const unset: UnsetVariable[] = [];
  const walk = (value: unknown, path: FieldPath): unknown => {
    if (typeof value === 'string') {
      return value.replace(ENV_REF, (ref, name: string) => {
        const found = env[name];
        if (found === undefined) unset.push({ path, variable: name });
        return found ?? ref;
      });
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i]));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, [...path, k])]));
    }
    return value;
  };
  return { data: walk(data, []), unset };
}

/** The `${env:NAME}` names in `text`, in order. */
export function envVariablesIn(text: string): string[] {
  return [...text.matchAll(ENV_REF)].map((m) => m[1] as string);
}
