import type { ScheduledEvent } from 'aws-lambda';
import { dispatch } from '../lib/app/handlers';
import { serviceHandler } from '../lib/runtime/lambda/handler';

/** On the schedule: one asynchronous runSource invocation per source. */
export const handler = serviceHandler(['STALEWATCH_RUN_SOURCE_FUNCTION'], (event: ScheduledEvent, ports) =>
  dispatch(event, ports),
);
