import type { Context, ScheduledEvent } from 'aws-lambda';
import { dispatch } from '../lib/app/handlers';
import { lambdaPorts } from '../lib/runtime/lambda/service';

const service = lambdaPorts(process.env, ['STALEWATCH_RUN_SOURCE_FUNCTION']);

/** On the schedule: one asynchronous runSource invocation per source. */
export const handler = (event: ScheduledEvent, context: Context) =>
  service.handle(context, () => dispatch(event, service.ports));
