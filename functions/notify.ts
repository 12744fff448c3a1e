import type { Context } from 'aws-lambda';
import { notifyPorts } from '../lib/alerts/lambda';
import { countdown } from '../lib/alerts/notify';
import { notifyAny } from '../lib/app/alarms';
import { lambdaPorts } from '../lib/service/lambda';

const service = lambdaPorts(process.env, ['STALEWATCH_STATE_TABLE']);
const ports = notifyPorts(process.env, service.ports, service.environment.stateTable);

/**
 * Events from the bus and CloudWatch alarm events become messages; `{"release":true}` (on a schedule)
 * delivers what quiet hours held and the alarm reminders that are due.
 */
export const handler = (event: unknown, context: Context) =>
  service.handle(context, (remainingMs) => notifyAny(event, ports, countdown(remainingMs)));
