import type { AlarmWatch } from '../model/config';

/** The file that watches the alarm `name`: the one naming it exactly, else the longest matching prefix. */
export function watchOf(alarms: readonly AlarmWatch[], name: string): AlarmWatch | null {
  const exact = alarms.find((a) => !a.prefix && a.name === name);
  if (exact) return exact;
  const prefixes = alarms.filter((a) => a.prefix && name.startsWith(a.name));
  return prefixes.sort((a, b) => b.name.length - a.name.length)[0] ?? null;
}
