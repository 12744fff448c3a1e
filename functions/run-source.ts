import type { Context } from 'aws-lambda';
import { runSource } from '../lib/app/handlers';
import { lambdaPorts } from '../lib/runtime/lambda/service';

const service = lambdaPorts(process.env, ['STALEWATCH_STATE_TABLE', 'STALEWATCH_EVENT_BUS']);

/** One source's checks: run, state updated, events published. */
export const handler = (event: unknown, context: Context) =>
  service.handle(context, (remainingMs) => runSource(event, service.ports, remainingMs));
