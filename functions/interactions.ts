import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { handleInteraction } from '../lib/app/interactions';
import { interactionPorts, refusalLogger } from '../lib/runtime/lambda/interactions';
import { lambdaPorts } from '../lib/runtime/lambda/service';

const service = lambdaPorts(process.env, ['STALEWATCH_STATE_TABLE']);
const ports = interactionPorts(service.ports, service.environment.stateTable);
const log = refusalLogger();

/** Slack's button clicks, through the function URL: "I'm on it" and "Snooze until tomorrow 09:00". */
export const handler = (event: LambdaFunctionURLEvent, context: Context) =>
  service.handle(context, () => handleInteraction(event, ports, log));
