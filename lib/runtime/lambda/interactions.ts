import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ServicePorts } from '../../app/handlers';
import type { InteractionPorts } from '../../app/ports';
import { HolidayCalendar } from '../../core/time/holidays';
import { resolveSecret } from './alerts';

/**
 * The interactions function's ports in Lambda: config and clock from the service, the signing secret
 * from Secrets Manager (or SSM) as `slackApp.signingSecret` names it (cached five minutes), the state
 * table for acknowledgements and snoozes, and Slack's `response_url`.
 */
export function interactionPorts(service: ServicePorts, stateTable: string): InteractionPorts {
  let dynamo: DynamoDBClient | null = null;
  const client = () => {
    if (!dynamo) {
      const { DynamoDBClient: Client } =
        require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb');
      dynamo = new Client({});
    }
    return dynamo;
  };
  const acknowledgements = () =>
    (
      require('../../adapters/aws/acknowledgements') as typeof import('../../adapters/aws/acknowledgements')
    ).dynamoAcknowledgements(client(), stateTable);
  const holds = () =>
    (require('../../adapters/aws/holds') as typeof import('../../adapters/aws/holds')).dynamoHolds(
      client(),
      stateTable,
    );
  let calendar: HolidayCalendar | null = null;
  return {
    config: service.config,
    clock: service.clock,
    signingSecret: async () => {
      const ref = service.config().settings.slackApp?.signingSecret;
      return ref ? resolveSecret(ref) : null;
    },
    acknowledgements: {
      acknowledge: (ack) => acknowledgements().acknowledge(ack),
      current: (datasets) => acknowledgements().current(datasets),
      end: (dataset, at) => acknowledgements().end(dataset, at),
    },
    statuses: async (checkIds) => {
      const { dynamoStateReader } =
        require('../../adapters/aws/dynamo-state') as typeof import('../../adapters/aws/dynamo-state');
      const states = await dynamoStateReader(client(), stateTable).states(checkIds);
      return [...states.values()].map((s) => s.status);
    },
    snoozes: { extend: (dataset, until) => holds().extendSnooze(dataset, until) },
    holidays: () => {
      calendar ??= new HolidayCalendar(service.config().settings.holidays);
      return calendar;
    },
    respond: (url, message) =>
      (
        require('../../adapters/slack/response-url') as typeof import('../../adapters/slack/response-url')
      ).postResponse(url, message),
  };
}

/** Why a request was refused, for the function's log (never the request's content). */
export const refusalLogger = () => {
  const logger = new Logger({ serviceName: 'stalewatch' });
  return (reason: string) => logger.warn('interaction refused', { reason });
};
