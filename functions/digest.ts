import type { Context } from 'aws-lambda';
import { runDigest } from '../lib/app/digest';
import { countdown } from '../lib/app/notify';
import { notifyPorts } from '../lib/runtime/lambda/alerts';
import { lambdaPorts } from '../lib/runtime/lambda/service';

const service = lambdaPorts(process.env, ['STALEWATCH_STATE_TABLE']);
const ports = notifyPorts(process.env, service.ports, service.environment.stateTable);

/** On `notify.digest` in the configured zone: each contact's stale datasets, oldest first. */
export const handler = (_event: unknown, context: Context) =>
  service.handle(context, (remainingMs) => runDigest(ports, countdown(remainingMs)));
