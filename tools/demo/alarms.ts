/**
 * The demo's CloudWatch alarm events, shaped like AWS's documented samples, at times relative to the
 * demo's `now`: the seed's "the app is down" (a Route 53 health check of the TIS website failing) and
 * "resource usage is nearing its limit" (the TIS database's free storage below 5 GB).
 */
export function sampleAlarmEvents(now: Date): unknown[] {
  const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000).toISOString();
  const cw = (iso: string) => iso.replace('Z', '+0000');
  const event = (
    name: string,
    minutesAgo: number,
    metric: Record<string, unknown>,
    data: Record<string, unknown>,
    reason: string,
  ) => ({
    version: '0',
    id: `demo-${name}`,
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: '123456789012',
    time: at(minutesAgo),
    region: 'eu-west-2',
    resources: [`arn:aws:cloudwatch:eu-west-2:123456789012:alarm:${name}`],
    detail: {
      alarmName: name,
      configuration: { metrics: [{ id: 'm1', metricStat: metric, returnData: true }] },
      previousState: { value: 'OK', reason: 'Threshold Crossed', timestamp: cw(at(24 * 60)) },
      state: {
        value: 'ALARM',
        reason,
        reasonData: JSON.stringify({ version: '1.0', period: 60, ...data }),
        timestamp: cw(at(minutesAgo)),
      },
    },
  });
  const gib = 1024 ** 3;
  return [
    event(
      'tis-prod-website-health',
      7,
      {
        metric: {
          namespace: 'AWS/Route53',
          name: 'HealthCheckStatus',
          dimensions: { HealthCheckId: 'demo' },
        },
        period: 60,
        stat: 'Minimum',
      },
      { statistic: 'Minimum', recentDatapoints: [0], threshold: 1 },
      'Threshold Crossed: 3 out of the last 3 datapoints [0.0, 0.0, 0.0] were less than the threshold (1.0) (minimum 3 datapoints for OK -> ALARM transition).',
    ),
    event(
      'tis-prod-db-free-storage',
      40,
      {
        metric: {
          namespace: 'AWS/RDS',
          name: 'FreeStorageSpace',
          dimensions: { DBInstanceIdentifier: 'tis-prod' },
        },
        period: 300,
        stat: 'Minimum',
      },
      { statistic: 'Minimum', recentDatapoints: [4.1 * gib], threshold: 5 * gib },
      `Threshold Crossed: 1 out of the last 1 datapoints [${4.1 * gib}] was less than the threshold (${5 * gib}.0) (minimum 1 datapoint for OK -> ALARM transition).`,
    ),
  ];
}
