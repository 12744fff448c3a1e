import type { AlarmUnit } from '../model/config';
import type { AlarmChange, Comparison } from './event';

/**
 * Alarm numbers and states in a data lead's words (docs/alerts.md "Alarms"). Bytes are counted in
 * 1,024s and shown as KB, MB, GB, TB, as the RDS console and most people's computers show disk space.
 */

/** What Stalewatch knows of a well-known AWS metric: its unit, and how to say its value. */
interface MetricKnowledge {
  unit: AlarmUnit | null;
  /** The word after the value: `4.1 GB free`, `93% used`. */
  says?: 'free' | 'used';
  /** A health check: ALARM means the thing is not answering. */
  health?: boolean;
}

const KNOWN: Record<string, MetricKnowledge> = {
  'AWS/RDS FreeStorageSpace': { unit: 'bytes', says: 'free' },
  'AWS/RDS FreeLocalStorage': { unit: 'bytes', says: 'free' },
  'AWS/RDS FreeableMemory': { unit: 'bytes', says: 'free' },
  'AWS/RDS CPUUtilization': { unit: 'percent', says: 'used' },
  'AWS/RDS DatabaseConnections': { unit: 'count' },
  'AWS/EC2 CPUUtilization': { unit: 'percent', says: 'used' },
  'AWS/ECS CPUUtilization': { unit: 'percent', says: 'used' },
  'AWS/ECS MemoryUtilization': { unit: 'percent', says: 'used' },
  'CWAgent mem_used_percent': { unit: 'percent', says: 'used' },
  'CWAgent disk_used_percent': { unit: 'percent', says: 'used' },
  'AWS/Route53 HealthCheckStatus': { unit: null, health: true },
  'AWS/ApplicationELB HealthyHostCount': { unit: 'count', health: true },
  'AWS/ApplicationELB UnHealthyHostCount': { unit: 'count', health: true },
  'AWS/NetworkELB HealthyHostCount': { unit: 'count', health: true },
  'AWS/NetworkELB UnHealthyHostCount': { unit: 'count', health: true },
  'AWS/ApplicationELB TargetResponseTime': { unit: 'seconds' },
  'AWS/ApplicationELB HTTPCode_Target_5XX_Count': { unit: 'count' },
  'AWS/ApplicationELB HTTPCode_ELB_5XX_Count': { unit: 'count' },
  'AWS/Lambda Errors': { unit: 'count' },
  'AWS/Lambda Duration': { unit: 'milliseconds' },
  'AWS/SQS ApproximateAgeOfOldestMessage': { unit: 'seconds' },
  'AWS/SQS ApproximateNumberOfMessagesVisible': { unit: 'count' },
};

/** CloudWatch's units that Stalewatch can say, as a unit and a factor to it. */
const CLOUDWATCH_UNITS: Record<string, { unit: AlarmUnit; factor: number }> = {
  Bytes: { unit: 'bytes', factor: 1 },
  Kilobytes: { unit: 'bytes', factor: 1024 },
  Megabytes: { unit: 'bytes', factor: 1024 ** 2 },
  Gigabytes: { unit: 'bytes', factor: 1024 ** 3 },
  Terabytes: { unit: 'bytes', factor: 1024 ** 4 },
  Percent: { unit: 'percent', factor: 1 },
  Count: { unit: 'count', factor: 1 },
  Seconds: { unit: 'seconds', factor: 1 },
  Milliseconds: { unit: 'milliseconds', factor: 1 },
  Microseconds: { unit: 'milliseconds', factor: 0.001 },
};

const knowledgeOf = (change: AlarmChange): MetricKnowledge | null =>
  change.metric ? (KNOWN[`${change.metric.namespace} ${change.metric.name}`] ?? null) : null;

/** True when the alarm is a health check: ALARM means "not answering". */
export function isHealthCheck(change: AlarmChange): boolean {
  return knowledgeOf(change)?.health === true;
}

/** The unit of the alarm's numbers and the factor to it: the event's, else a known metric's, else the file's. */
export function unitOf(
  change: AlarmChange,
  fileUnit: AlarmUnit | null,
): { unit: AlarmUnit | null; factor: number } {
  const fromEvent = change.metric?.unit ? CLOUDWATCH_UNITS[change.metric.unit] : undefined;
  if (fromEvent) return fromEvent;
  return { unit: knowledgeOf(change)?.unit ?? fileUnit, factor: 1 };
}

const BYTE_UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** A number with `digits` decimals at most, trailing zeros dropped: 4.1, 5, 1,204. */
const decimal = (n: number, digits: number) =>
  n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: 0 });

/** Decimals that say a number plainly: one below 10, none above. */
const plainDigits = (n: number) => (Math.abs(n) < 10 ? 1 : 0);

/** One quantity in words, with `extra` more decimals than plain (to tell two close numbers apart). */
function quantity(value: number, unit: AlarmUnit | null, extra: number): string {
  switch (unit) {
    case 'bytes': {
      let n = value;
      let i = 0;
      while (Math.abs(n) >= 1024 && i < BYTE_UNITS.length - 1) {
        n /= 1024;
        i++;
      }
      return i === 0
        ? `${decimal(n, extra)} byte${n === 1 ? '' : 's'}`
        : `${decimal(n, plainDigits(n) + extra)} ${BYTE_UNITS[i]}`;
    }
    case 'percent':
      return `${decimal(value, plainDigits(value) + extra)}%`;
    case 'count':
      return decimal(value, (Number.isInteger(value) ? 0 : 1) + extra);
    case 'milliseconds':
      return Math.abs(value) < 1000
        ? `${decimal(value, extra)} milliseconds`
        : quantity(value / 1000, 'seconds', extra);
    case 'seconds': {
      if (Math.abs(value) < 1) return quantity(value * 1000, 'milliseconds', extra);
      if (Math.abs(value) < 120)
        return `${decimal(value, plainDigits(value) + extra)} second${value === 1 ? '' : 's'}`;
      const minutes = value / 60;
      if (Math.abs(minutes) < 120) return `${decimal(minutes, extra)} minutes`;
      return `${decimal(minutes / 60, 1 + extra)} hours`;
    }
    default:
      return decimal(value, 2 + extra);
  }
}

/**
 * The value and the threshold in words, told apart: two numbers that differ are never shown alike
 * ("5 GB free, the limit is 5 GB" for 4.96 GB), so a digit is added until they differ (at most three).
 */
export function valueAndThreshold(
  value: number,
  threshold: number,
  unit: AlarmUnit | null,
): { value: string; threshold: string } {
  for (let extra = 0; ; extra++) {
    const v = quantity(value, unit, extra);
    const t = quantity(threshold, unit, extra);
    if (v !== t || value === threshold || extra >= 3) return { value: v, threshold: t };
  }
}

/** One number in words, in its unit. */
export function quantityInWords(value: number, unit: AlarmUnit | null): string {
  return quantity(value, unit, 0);
}

const LOW: readonly Comparison[] = ['<', '<='];

/** What the alarm's numbers say now, or null when the event has none. */
export interface Reading {
  value: string;
  threshold: string;
  /** `free`, `used`, or nothing. */
  says: string | null;
  /** The alarm goes off when the value is too low (`<`, `<=`). */
  low: boolean;
}

/** The alarm's latest value and threshold in words, when the event carries them. */
export function readingOf(change: AlarmChange, fileUnit: AlarmUnit | null): Reading | null {
  if (change.value === null || change.threshold === null || change.composite) return null;
  const { unit, factor } = unitOf(change, fileUnit);
  const words = valueAndThreshold(change.value * factor, change.threshold * factor, unit);
  return {
    ...words,
    says: knowledgeOf(change)?.says ?? null,
    low: change.comparison !== null && LOW.includes(change.comparison),
  };
}

/** `4.1 GB free`, `93% used`, `12`. */
export const valueSays = (r: Reading) => (r.says ? `${r.value} ${r.says}` : r.value);

/**
 * What is wrong, after the title: "is running low: 4.1 GB free, the limit is 5 GB", "is not answering
 * (health check failing since 10:02)", "is too high: 93% used, the limit is 80%", "has a problem
 * (since 10:02)". `since` is the local time the alarm went off.
 */
export function problemInWords(change: AlarmChange, fileUnit: AlarmUnit | null, since: string): string {
  if (isHealthCheck(change)) return `is not answering (health check failing since ${since})`;
  const r = readingOf(change, fileUnit);
  if (!r || change.comparison === null) return `has a problem (since ${since})`;
  const limit = `${valueSays(r)}, the limit is ${r.threshold}`;
  if (r.low) return r.says === 'free' ? `is running low: ${limit}` : `is too low: ${limit}`;
  return r.says === 'used' ? `is running high: ${limit}` : `is too high: ${limit}`;
}

/** What is right again, after the title, and for how long it was wrong: "is answering again (it was down for 25 minutes)". */
export function recoveryInWords(
  change: AlarmChange,
  fileUnit: AlarmUnit | null,
  wasFor: string | null,
): string {
  if (isHealthCheck(change)) return `is answering again${wasFor ? ` (it was down for ${wasFor})` : ''}`;
  const r = readingOf(change, fileUnit);
  const now = r ? `: ${valueSays(r)}` : '';
  const was = !r
    ? 'it had a problem'
    : r.low
      ? r.says === 'free'
        ? 'it was running low'
        : 'it was too low'
      : r.says === 'used'
        ? 'it was running high'
        : 'it was too high';
  return `is back to normal${now}${wasFor ? ` (${was} for ${wasFor})` : ''}`;
}
