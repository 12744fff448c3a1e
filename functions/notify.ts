import type { Context, EventBridgeEvent } from 'aws-lambda';
import { notifyPorts } from '../lib/alerts/lambda';
import { countdown, notify, releaseHeld } from '../lib/alerts/notify';
import { lambdaPorts } from '../lib/service/lambda';

const service = lambdaPorts(process.env, ['STALEWATCH_STATE_TABLE']);
const ports = notifyPorts(process.env, service.ports, service.environment.stateTable);

/** Events from the bus become messages; `{"release":true}` (on a schedule) delivers what quiet hours held. */
export const handler = (event: EventBridgeEvent<string, unknown> | { release: true }, context: Context) =>
  service.handle(context, (remainingMs) =>
    'release' in event
      ? releaseHeld(ports, countdown(remainingMs))
      : notify(event, ports, countdown(remainingMs)),
  );
