import { runDigest } from '../lib/app/digest';
import { notifyHandler } from '../lib/runtime/lambda/handler';

/** On `notify.digest` in the configured zone: each contact's stale datasets, oldest first. */
export const handler = notifyHandler((_event: unknown, ports, timeLeft) => runDigest(ports, timeLeft));
