/**
 * `CloudWatch Alarm State Change` events shaped like AWS's documented samples
 * (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html): a single
 * metric alarm, a composite alarm, and their state values.
 */

type StateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
type Operator = '<' | '<=' | '>' | '>=';

const WORDS: Record<Operator, string> = {
  '<': 'less than',
  '<=': 'less than or equal to',
  '>': 'greater than',
  '>=': 'greater than or equal to',
};

/** CloudWatch's timestamp format: `2026-11-23T10:02:00.000+0000`. */
const cw = (iso: string) => iso.replace('Z', '+0000');

export interface MetricAlarm {
  name: string;
  state: StateValue;
  previous?: StateValue;
  at: string;
  namespace: string;
  metric: string;
  dimensions?: Record<string, string>;
  stat?: string;
  unit?: string;
  /** The newest datapoint; omit for an event without reasonData. */
  value?: number;
  threshold?: number;
  operator?: Operator;
  region?: string;
}

/** A single-metric alarm's state change. */
export function metricAlarmEvent(a: MetricAlarm) {
  const region = a.region ?? 'eu-west-2';
  const crossed = a.state === 'ALARM' ? '' : 'not ';
  const hasData = a.value !== undefined && a.threshold !== undefined && a.operator !== undefined;
  const reason =
    a.state === 'INSUFFICIENT_DATA'
      ? 'Insufficient Data: 1 datapoint was unknown.'
      : hasData
        ? `Threshold Crossed: 1 out of the last 1 datapoints [${a.value} (23/11/26 09:57:00)] was ${crossed}${WORDS[a.operator as Operator]} the threshold (${a.threshold}) (minimum 1 datapoint for ${a.previous ?? 'OK'} -> ${a.state} transition).`
        : 'Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [Breaching].';
  const reasonData = hasData
    ? JSON.stringify({
        version: '1.0',
        queryDate: cw(a.at),
        startDate: cw(a.at),
        statistic: a.stat ?? 'Minimum',
        period: 300,
        recentDatapoints: [a.value],
        threshold: a.threshold,
        evaluatedDatapoints: [{ timestamp: cw(a.at), sampleCount: 1.0, value: a.value }],
      })
    : undefined;
  return {
    version: '0',
    id: `evt-${a.name}-${a.state}-${a.at}`,
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: '123456789012',
    time: a.at.replace(/\.\d+Z$/, 'Z'),
    region,
    resources: [`arn:aws:cloudwatch:${region}:123456789012:alarm:${a.name}`],
    detail: {
      alarmName: a.name,
      configuration: {
        description: `Watches ${a.metric}`,
        metrics: [
          {
            id: '30b6c6b2-a864-43a2-4877-c09a1afc3b87',
            metricStat: {
              metric: { dimensions: a.dimensions ?? {}, name: a.metric, namespace: a.namespace },
              period: 300,
              stat: a.stat ?? 'Minimum',
              ...(a.unit ? { unit: a.unit } : {}),
            },
            returnData: true,
          },
        ],
      },
      previousState: {
        reason: 'Threshold Crossed: earlier',
        timestamp: cw('2026-11-20T08:00:00.000Z'),
        value: a.previous ?? 'OK',
      },
      state: { reason, ...(reasonData ? { reasonData } : {}), timestamp: cw(a.at), value: a.state },
    },
  };
}

/** A composite alarm's state change, set off by `children`. */
export function compositeAlarmEvent(a: {
  name: string;
  state: StateValue;
  previous?: StateValue;
  at: string;
  rule: string;
  children: string[];
}) {
  return {
    version: '0',
    id: `evt-${a.name}-${a.state}-${a.at}`,
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: '123456789012',
    time: a.at.replace(/\.\d+Z$/, 'Z'),
    region: 'eu-west-2',
    resources: [`arn:aws:cloudwatch:eu-west-2:123456789012:alarm:${a.name}`],
    detail: {
      alarmName: a.name,
      state: {
        value: a.state,
        reason: `arn:aws:cloudwatch:eu-west-2:123456789012:alarm:${a.children[0]} transitioned to ${a.state} at Monday 23 November, 2026 10:02:00 UTC`,
        reasonData: JSON.stringify({
          triggeringAlarms: a.children.map((c) => ({
            arn: `arn:aws:cloudwatch:eu-west-2:123456789012:alarm:${c}`,
            state: { value: 'ALARM', timestamp: cw(a.at) },
          })),
        }),
        timestamp: cw(a.at),
      },
      previousState: {
        value: a.previous ?? 'OK',
        reason: 'earlier',
        timestamp: cw('2026-11-20T08:00:00.000Z'),
      },
      configuration: { alarmRule: a.rule, actionsSuppressor: 'ServiceMaintenanceAlarm' },
    },
  };
}
