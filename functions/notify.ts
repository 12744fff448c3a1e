import type { Context, EventBridgeEvent } from 'aws-lambda';
import { countdown, notify, releaseHeld } from '../lib/app/notify';
import { notifyPorts } from '../lib/runtime/lambda/alerts';
import { lambdaPorts } from '../lib/runtime/lambda/service';

const service = lambdaPorts(process.env, ['STALEWATCH_STATE_TABLE']);
const ports = notifyPorts(process.env, service.ports, service.environment.stateTable);

/** Events from the bus become messages; `{"release":true}` (on a schedule) delivers what quiet hours held. */
export const handler = (event: EventBridgeEvent<string, unknown> | { release: true }, context: Context) =>
  service.handle(context, (remainingMs) =>
    'release' in event
      ? releaseHeld(ports, countdown(remainingMs))
      : notify(event, ports, countdown(remainingMs)),
  );
