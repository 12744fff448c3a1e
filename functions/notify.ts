import { notifyAny } from '../lib/app/alarms';
import { notifyHandler } from '../lib/runtime/lambda/handler';

/**
 * Events from the bus and CloudWatch alarm events become messages; `{"release":true}` (on a schedule)
 * delivers what quiet hours held and the alarm reminders that are due.
 */
export const handler = notifyHandler(notifyAny);
