import type { Context } from 'aws-lambda';
import { check } from '../lib/app/handlers';
import { lambdaPorts } from '../lib/runtime/lambda/service';

const service = lambdaPorts(process.env, ['STALEWATCH_STATE_TABLE', 'STALEWATCH_EVENT_BUS']);

/** On call: `sls invoke -f check --data '{"only":["placements"]}'` answers the report. */
export const handler = (event: unknown, context: Context) =>
  service.handle(context, (remainingMs) => check(event, service.ports, remainingMs));
