import { check } from '../lib/app/handlers';
import { serviceHandler } from '../lib/runtime/lambda/handler';

/** On call: `sls invoke -f check --data '{"only":["placements"]}'` answers the report. */
export const handler = serviceHandler(['STALEWATCH_STATE_TABLE', 'STALEWATCH_EVENT_BUS'], check);
