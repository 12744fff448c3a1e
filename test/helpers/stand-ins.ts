import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The SSM parameter that holds the sender address of emails in the tests' stage. */
export const EMAIL_FROM_PARAMETER = '/stalewatch/test/email-from';

/** What Slack is told to answer next: a status, and headers such as `retry-after`. */
export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
}

/**
 * What a Teams workflow is told to do next: answer a status (after `delayMs`, going slow), or `refuse`
 * the connection (closed without an answer).
 */
export type TeamsAnswer = (ScriptedAnswer & { delayMs?: number }) | { refuse: true };

/** The prefix of Teams webhook parameters: `/stalewatch/teams/c1` holds `<address>/workflows/stalewatch/teams/c1`. */
const TEAMS_PARAMETER = /\/teams\//;

/**
 * One local HTTP server standing in for SSM (GetParameter), SES v2 (SendEmail), Slack's incoming
 * webhooks and Teams' Workflows webhooks. An SSM parameter answers `parameters[name]` when set, and
 * otherwise a webhook on this server (`<address>/services<name>`, or `<address>/workflows<name>` for a
 * name with `/teams/` in it); Slack and Teams answer their scripts in order, then 200.
 */
export async function startNotifyStandIns() {
  const state = {
    parameters: { [EMAIL_FROM_PARAMETER]: 'stalewatch@example.org' } as Record<string, string>,
    ssm: [] as string[],
    email: [] as Array<{ Destination: { ToAddresses: string[] } } & Record<string, unknown>>,
    /** Messages Slack accepted, with the webhook path they came to. */
    slack: [] as Array<{ path: string; body: Record<string, unknown> }>,
    slackScript: [] as ScriptedAnswer[],
    slackCalls: 0,
    /** Cards Teams accepted, with the workflow path they came to. */
    teams: [] as Array<{ path: string; body: Record<string, unknown> }>,
    teamsScript: [] as TeamsAnswer[],
    teamsCalls: 0,
    /** Secrets Manager's secrets by name (GetSecretValue), and the names asked for. */
    secrets: {} as Record<string, string>,
    secretReads: [] as string[],
    /** What was posted to a click's `response_url` (`<address>/actions/…`). */
    responses: [] as Array<{ path: string; body: Record<string, unknown> }>,
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      const reply = (status: number, answer: unknown, type = 'application/json') => {
        response.writeHead(status, { 'content-type': type }).end(JSON.stringify(answer));
      };
      if (request.headers['x-amz-target'] === 'AmazonSSM.GetParameter') {
        state.ssm.push(body.Name);
        const value =
          state.parameters[body.Name] ??
          `${address}/${TEAMS_PARAMETER.test(body.Name) ? 'workflows' : 'services'}${body.Name}`;
        return reply(
          200,
          { Parameter: { Name: body.Name, Type: 'SecureString', Value: value, Version: 1 } },
          'application/x-amz-json-1.1',
        );
      }
      if (request.headers['x-amz-target'] === 'secretsmanager.GetSecretValue') {
        state.secretReads.push(body.SecretId);
        const value = state.secrets[body.SecretId];
        if (value === undefined)
          return reply(
            400,
            {
              __type: 'ResourceNotFoundException',
              message: 'Secrets Manager can’t find the specified secret.',
            },
            'application/x-amz-json-1.1',
          );
        return reply(
          200,
          {
            ARN: `arn:aws:secretsmanager:eu-west-2:123456789012:secret:${body.SecretId}-AbCdEf`,
            Name: body.SecretId,
            SecretString: value,
            VersionId: 'v1',
          },
          'application/x-amz-json-1.1',
        );
      }
      if (request.url?.startsWith('/actions/')) {
        state.responses.push({ path: request.url, body });
        return response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      }
      if (request.url === '/v2/email/outbound-emails') {
        state.email.push(body);
        return reply(200, { MessageId: `m-${state.email.length}` });
      }
      if (request.url?.startsWith('/services/')) {
        state.slackCalls++;
        const next = state.slackScript.shift() ?? { status: 200 };
        if (next.status === 200) state.slack.push({ path: request.url, body });
        return response
          .writeHead(next.status, { 'content-type': 'text/plain', ...next.headers })
          .end(next.status === 200 ? 'ok' : 'no');
      }
      if (request.url?.startsWith('/workflows/')) {
        state.teamsCalls++;
        const next = state.teamsScript.shift() ?? { status: 200 };
        if ('refuse' in next) return request.socket.destroy();
        const answer = () => {
          if (next.status === 202 || next.status === 200) state.teams.push({ path: request.url ?? '', body });
          response
            .writeHead(next.status, { 'content-type': 'text/plain', ...next.headers })
            .end(next.status < 300 ? '' : 'no');
        };
        return next.delayMs ? void setTimeout(answer, next.delayMs) : answer();
      }
      reply(404, { message: `not served: ${request.url}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    address,
    state,
    /** How many times each webhook path got a message, and each address an email. */
    deliveries() {
      const count = (keys: string[]) => {
        const counts: Record<string, number> = {};
        for (const k of keys) counts[k] = (counts[k] ?? 0) + 1;
        return counts;
      };
      return {
        slack: count(state.slack.map((s) => s.path)),
        email: count(state.email.flatMap((e) => e.Destination.ToAddresses)),
      };
    },
    /** How many times each Teams workflow path got a card. */
    teamsDeliveries() {
      const counts: Record<string, number> = {};
      for (const { path } of state.teams) counts[path] = (counts[path] ?? 0) + 1;
      return counts;
    },
    reset() {
      state.parameters = { [EMAIL_FROM_PARAMETER]: 'stalewatch@example.org' };
      state.ssm = [];
      state.email = [];
      state.slack = [];
      state.slackScript = [];
      state.slackCalls = 0;
      state.teams = [];
      state.teamsScript = [];
      state.teamsCalls = 0;
      state.secretReads = [];
      state.responses = [];
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
