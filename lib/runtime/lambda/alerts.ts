import type { AlarmStore } from '../../app/alarms';
import type { DigestStatePorts } from '../../app/digest';
import type { ServicePorts } from '../../app/handlers';
import type { NotifyPorts } from '../../app/ports';
import { SecretValueError } from '../../core/errors';
import type { Config, SecretRef } from '../../core/model/config';

// Like the other functions' clients, these load on first use: module init stays short.
const ssm = () =>
  require('@aws-lambda-powertools/parameters/ssm') as typeof import('@aws-lambda-powertools/parameters/ssm');
const secrets = () =>
  require('@aws-lambda-powertools/parameters/secrets') as typeof import('@aws-lambda-powertools/parameters/secrets');

// The channels' adapters: loaded when the ports are built (the first invocation), not at module init.
const slack = () => require('../../adapters/slack/webhook') as typeof import('../../adapters/slack/webhook');
const ses = () => require('../../adapters/aws/ses') as typeof import('../../adapters/aws/ses');
const teams = () => require('../../adapters/teams/webhook') as typeof import('../../adapters/teams/webhook');

/** Secrets are cached this long: a rotated webhook is picked up within five minutes. */
const SECRET_MAX_AGE_SECONDS = 300;

/**
 * Tries of each DynamoDB call, above the SDK's default of 4 (the SDK's own retry: after throttling it waits
 * up to 1, 2, 4, 8 and 16 s, with jitter, 31 s at most in all): a send that a channel accepted is still
 * recorded through a burst of throttling, since a send never recorded is what could be sent twice.
 */
const DYNAMODB_ATTEMPTS = 6;

/** Reads a secret reference from SSM (decrypted) or Secrets Manager, through Powertools (cached). */
export async function resolveSecret(ref: SecretRef): Promise<string> {
  const value =
    ref.store === 'ssm'
      ? await ssm().getParameter(ref.name, { decrypt: true, maxAge: SECRET_MAX_AGE_SECONDS })
      : await secrets().getSecret(ref.name, { maxAge: SECRET_MAX_AGE_SECONDS });
  if (typeof value !== 'string' || !value) throw new SecretValueError(ref.store, ref.name);
  return value;
}

/**
 * The ports of `notify` and `digest` in Lambda: the service's ports (config, state) plus delivery. The
 * sender address of emails is the SSM parameter named by STALEWATCH_EMAIL_FROM_PARAMETER.
 */
export function notifyPorts(
  env: Readonly<Record<string, string | undefined>>,
  service: ServicePorts,
  stateTable: string,
): NotifyPorts & DigestStatePorts & { alarms: AlarmStore } {
  let deps: {
    sent: NotifyPorts['sent'];
    holds: ReturnType<typeof import('../../adapters/aws/holds').dynamoHolds>;
    alarms: AlarmStore;
    ses: import('@aws-sdk/client-sesv2').SESv2Client;
    acknowledgements: import('../../app/ports').AcknowledgementStore;
    allPassing: (checkIds: readonly string[]) => Promise<boolean>;
    history: DigestStatePorts['history'];
    reader: ReturnType<typeof import('../../adapters/aws/dynamo-state').dynamoStateReader>;
  } | null = null;
  const load = () => {
    if (!deps) {
      const { DynamoDBClient } =
        require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb');
      const { SESv2Client } = require('@aws-sdk/client-sesv2') as typeof import('@aws-sdk/client-sesv2');
      const { dynamoSentRecord } =
        require('../../adapters/aws/sent') as typeof import('../../adapters/aws/sent');
      const { dynamoHolds } =
        require('../../adapters/aws/holds') as typeof import('../../adapters/aws/holds');
      const { dynamoAcknowledgements, dynamoAllPassing } =
        require('../../adapters/aws/acknowledgements') as typeof import('../../adapters/aws/acknowledgements');
      const { dynamoStatusState } =
        require('../../adapters/aws/status-state') as typeof import('../../adapters/aws/status-state');
      const { dynamoAlarmStore } =
        require('../../adapters/aws/alarms') as typeof import('../../adapters/aws/alarms');
      const { dynamoStateReader } =
        require('../../adapters/aws/dynamo-state') as typeof import('../../adapters/aws/dynamo-state');
      const dynamo = new DynamoDBClient({ maxAttempts: DYNAMODB_ATTEMPTS });
      deps = {
        reader: dynamoStateReader(dynamo, stateTable),
        acknowledgements: dynamoAcknowledgements(dynamo, stateTable),
        allPassing: dynamoAllPassing(dynamo, stateTable),
        history: dynamoStatusState(dynamo, stateTable).history,
        sent: dynamoSentRecord(dynamo, stateTable),
        holds: dynamoHolds(dynamo, stateTable),
        alarms: dynamoAlarmStore(dynamo, stateTable),
        ses: new SESv2Client({}),
      };
    }
    return deps;
  };
  const fromParameter = env.STALEWATCH_EMAIL_FROM_PARAMETER;
  return {
    config: service.config as () => Config,
    clock: service.clock,
    sent: {
      claim: (k, d, now, leaseUntil) => load().sent.claim(k, d, now, leaseUntil),
      markSent: (k, d, at, signal) => load().sent.markSent(k, d, at, signal),
      release: (k, d, token) => load().sent.release(k, d, token),
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    // One line per channel (docs/architecture.md "A channel"); each contact hears on these in this order.
    channels: [
      slack().slackChannel({ url: async (ref) => slack().webhookUrl(ref, await resolveSecret(ref)) }),
      ses().emailChannel({
        client: () => load().ses,
        from: async () => (fromParameter ? resolveSecret({ store: 'ssm', name: fromParameter }) : null),
      }),
      teams().teamsChannel({ url: async (ref) => teams().teamsWebhookUrl(ref, await resolveSecret(ref)) }),
    ],
    snoozedUntil: (dataset) => load().holds.snoozedUntil(dataset),
    hold: (message) => load().holds.hold(message),
    heldDue: (now) => load().holds.heldDue(now),
    isLatest: (checkId, contactId, eventAt) => load().holds.isLatest(checkId, contactId, eventAt),
    checkStates: (checkIds) => load().reader.states(checkIds),
    lastRuns: (sources) => load().reader.lastRuns(sources),
    loop: {
      acknowledgements: {
        acknowledge: (ack) => load().acknowledgements.acknowledge(ack),
        current: (datasets) => load().acknowledgements.current(datasets),
        end: (dataset, at) => load().acknowledgements.end(dataset, at),
      },
      allPassing: (checkIds) => load().allPassing(checkIds),
    },
    states: () => service.store.states(),
    history: (checkIds, from) => load().history(checkIds, from),
    alarms: {
      load: (checkId) => load().alarms.load(checkId),
      save: (state, version) => load().alarms.save(state, version),
      remindAt: (checkId, at) => load().alarms.remindAt(checkId, at),
      remindersDue: (now) => load().alarms.remindersDue(now),
    },
  };
}
