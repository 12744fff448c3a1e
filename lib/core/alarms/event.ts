import * as z from 'zod';

/**
 * The `CloudWatch Alarm State Change` event that CloudWatch puts on the default bus (AWS's documented
 * samples: docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html),
 * read loosely: fields Stalewatch does not use may come and go.
 */

/** The `source` of CloudWatch's alarm events. */
export const ALARM_EVENT_SOURCE = 'aws.cloudwatch';
/** The `detail-type` of an alarm's change of state. */
export const ALARM_DETAIL_TYPE = 'CloudWatch Alarm State Change';

const stateSchema = z.looseObject({
  value: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
  reason: z.string().optional(),
  reasonData: z.string().optional(),
  timestamp: z.string(),
});

const metricSchema = z.looseObject({
  id: z.string().optional(),
  label: z.string().optional(),
  expression: z.string().optional(),
  returnData: z.boolean().optional(),
  metricStat: z
    .looseObject({
      metric: z.looseObject({
        name: z.string(),
        namespace: z.string(),
        dimensions: z.record(z.string(), z.string()).optional(),
      }),
      period: z.number().optional(),
      stat: z.string().optional(),
      unit: z.string().optional(),
    })
    .optional(),
});

/** An alarm state change, read loosely: the fields notify uses are required, others may come and go. */
export const alarmEventSchema = z.looseObject({
  id: z.string(),
  'detail-type': z.literal(ALARM_DETAIL_TYPE),
  source: z.literal(ALARM_EVENT_SOURCE),
  account: z.string().optional(),
  time: z.string().optional(),
  region: z.string(),
  detail: z.looseObject({
    alarmName: z.string().min(1),
    state: stateSchema,
    previousState: stateSchema.optional(),
    configuration: z
      .looseObject({
        description: z.string().optional(),
        metrics: z.array(metricSchema).optional(),
        alarmRule: z.string().optional(),
      })
      .optional(),
  }),
});

/** A parsed alarm state change (`alarmEventSchema`). */
export type AlarmEvent = z.output<typeof alarmEventSchema>;
/** `OK`, `ALARM` or `INSUFFICIENT_DATA`. */
export type AlarmStateValue = AlarmEvent['detail']['state']['value'];

/** A `CloudWatch Alarm State Change` event that does not have the fields its documented samples have. */
export class AlarmEventError extends Error {
  override readonly name = 'AlarmEventError';
}

/** A comparison as the alarm makes it: the value against the threshold. */
export type Comparison = '<' | '<=' | '>' | '>=';

/** What one alarm state change says, as Stalewatch uses it (JSON-safe: it is kept in state). */
export interface AlarmChange {
  /** Stable for one change of one alarm, however often the event is delivered. */
  key: string;
  alarmName: string;
  region: string;
  account: string | null;
  state: AlarmStateValue;
  previousState: AlarmStateValue | null;
  /** When the alarm entered `state` (ISO). */
  at: string;
  /** CloudWatch's own words, for the platform team. */
  reason: string | null;
  description: string | null;
  metric: {
    namespace: string;
    name: string;
    dimensions: Record<string, string>;
    stat: string | null;
    period: number | null;
    /** CloudWatch's unit (`Bytes`, `Percent`), when the alarm names one. */
    unit: string | null;
  } | null;
  /** A metric-math alarm: its expression (no one metric to name). */
  expression: string | null;
  /** A composite alarm: its rule, and the alarms that set it off. */
  composite: { rule: string; triggeredBy: string[] } | null;
  /** The most recent datapoint the alarm judged, and its threshold (from `reasonData`). */
  value: number | null;
  threshold: number | null;
  comparison: Comparison | null;
}

/** CloudWatch writes `2019-10-02T17:04:40.989+0000`; ISO wants `+00:00`. */
function isoOf(timestamp: string): string | null {
  const t = Date.parse(timestamp.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

const COMPARISONS: Record<string, Comparison> = {
  'greater than or equal to': '>=',
  'greater than': '>',
  'less than or equal to': '<=',
  'less than': '<',
};

/**
 * The comparison, from CloudWatch's reason: the event does not carry the alarm's ComparisonOperator,
 * but its reason says it ("was greater than the threshold", "was not less than or equal to …").
 */
export function comparisonIn(reason: string | null): Comparison | null {
  const m = reason
    ? /\b(?:was|were) (?:not )?(greater than or equal to|greater than|less than or equal to|less than) the threshold/.exec(
        reason,
      )
    : null;
  return m ? (COMPARISONS[m[1] as string] ?? null) : null;
}

type ReasonData = {
  recentDatapoints?: unknown;
  evaluatedDatapoints?: unknown;
  threshold?: unknown;
  unit?: unknown;
  triggeringAlarms?: unknown;
};

function parseReasonData(text: string | undefined): ReasonData {
  if (!text) return {};
  try {
    const data = JSON.parse(text) as unknown;
    return typeof data === 'object' && data !== null ? (data as ReasonData) : {};
  } catch {
    return {};
  }
}

const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The newest datapoint the alarm judged: by timestamp among `evaluatedDatapoints`, else the last recent one. */
function latestValue(data: ReasonData): number | null {
  if (Array.isArray(data.evaluatedDatapoints)) {
    const points = data.evaluatedDatapoints
      .map((p) => ({ at: Date.parse(isoOf(String(p?.timestamp ?? '')) ?? ''), value: finite(p?.value) }))
      .filter((p): p is { at: number; value: number } => p.value !== null && !Number.isNaN(p.at))
      .sort((a, b) => b.at - a.at);
    if (points[0]) return points[0].value;
  }
  if (Array.isArray(data.recentDatapoints)) {
    const values = data.recentDatapoints.map(finite).filter((v): v is number => v !== null);
    return values.at(-1) ?? null;
  }
  return null;
}

/** The names of the alarms that set a composite alarm off, from their ARNs. */
function triggeredBy(data: ReasonData): string[] {
  if (!Array.isArray(data.triggeringAlarms)) return [];
  return data.triggeringAlarms
    .map((a) => String(a?.arn ?? ''))
    .map((arn) => arn.split(':alarm:')[1] ?? arn)
    .filter(Boolean);
}

/** Reads an alarm event; throws `AlarmEventError` naming what is missing. */
export function readAlarmEvent(event: unknown): AlarmChange {
  const parsed = alarmEventSchema.safeParse(event);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ');
    throw new AlarmEventError(`Not a CloudWatch Alarm State Change event as AWS documents it (${where})`);
  }
  const { detail, region } = parsed.data;
  const at = isoOf(detail.state.timestamp);
  if (!at) throw new AlarmEventError(`detail.state.timestamp "${detail.state.timestamp}" is not a time`);
  const data = parseReasonData(detail.state.reasonData);
  const metrics = detail.configuration?.metrics ?? [];
  const single = metrics.length === 1 ? metrics[0]?.metricStat : undefined;
  const returned = metrics.find((m) => m.returnData !== false && m.expression);
  const rule = detail.configuration?.alarmRule;
  const reason = detail.state.reason ?? null;
  return {
    key: `alarm/${detail.alarmName}@${at}`,
    alarmName: detail.alarmName,
    region,
    account: parsed.data.account ?? null,
    state: detail.state.value,
    previousState: detail.previousState?.value ?? null,
    at,
    reason,
    description: detail.configuration?.description ?? null,
    metric: single
      ? {
          namespace: single.metric.namespace,
          name: single.metric.name,
          dimensions: single.metric.dimensions ?? {},
          stat: single.stat ?? null,
          period: single.period ?? null,
          unit: single.unit ?? (typeof data.unit === 'string' ? data.unit : null),
        }
      : null,
    expression: single ? null : (returned?.expression ?? null),
    composite: rule ? { rule, triggeredBy: triggeredBy(data) } : null,
    value: latestValue(data),
    threshold: finite(data.threshold),
    comparison: comparisonIn(reason),
  };
}
