import { runSource } from '../lib/app/handlers';
import { serviceHandler } from '../lib/runtime/lambda/handler';

/** One source's checks: run, state updated, events published. */
export const handler = serviceHandler(['STALEWATCH_STATE_TABLE', 'STALEWATCH_EVENT_BUS'], runSource);
