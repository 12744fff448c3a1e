import { UsageError } from '../core/errors';
import { nothingToBeOn, sinceWhen, whoIsOnIt } from '../core/loop/acknowledgement';
import {
  ACTIONS,
  clickerName,
  type Interaction,
  parseInteraction,
  updatedMessage,
} from '../core/loop/interaction';
import { MAX_BODY_BYTES, verifySlackSignature } from '../core/loop/signature';
import { nextWorkingMorning } from '../core/loop/snooze-time';
import type { Config } from '../core/model/config';
import { formatLocal } from '../core/time/zone';
import { escapeMrkdwn } from '../core/util/escape';
import type { InteractionPorts } from './ports';
import { checkIdsOf, type Watched, watchedOf } from './select';

/** What a button's value names, or null when this deployment's checks name nothing so. */
function watchedOrNull(config: Config, id: string): Watched | null {
  try {
    return watchedOf(config, id);
  } catch (error) {
    if (error instanceof UsageError) return null;
    throw error;
  }
}

/** A Lambda function URL request, as much of it as is read. */
export interface FunctionUrlRequest {
  headers?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
}

/** A function URL answer. */
export interface FunctionUrlAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const answer = (statusCode: number, body: string): FunctionUrlAnswer => ({
  statusCode,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body,
});

/** What a refused request is told: nothing about why (the reason is for the log). */
const REFUSED = answer(401, 'Not a valid Slack request');

/** The raw body, or null when it is larger than Slack would ever send (checked before decoding). */
function rawBody(request: FunctionUrlRequest): Buffer | null {
  const body = request.body ?? '';
  if (!request.isBase64Encoded) {
    return Buffer.byteLength(body) > MAX_BODY_BYTES ? null : Buffer.from(body, 'utf8');
  }
  if (body.length > Math.ceil(MAX_BODY_BYTES / 3) * 4) return null;
  return Buffer.from(body, 'base64');
}

/** What a click did, to say in the updated message and in the answer. */
interface Outcome {
  line: string;
}

async function acknowledge(i: Interaction, watched: Watched, ports: InteractionPorts): Promise<Outcome> {
  const dataset = watched.id;
  const now = ports.clock();
  const zone = ports.config().settings.timezone;
  // An old message's button, clicked once the dataset is fine again: no one is on it (the
  // acknowledgement would never end, and would silence the next spell's reminders).
  const checkIds = checkIdsOf(ports.config(), watched);
  if (checkIds.length > 0 && ports.statuses && nothingToBeOn(await ports.statuses(checkIds)))
    return {
      line: `:white_check_mark: ${escapeMrkdwn(watched.title)} is back to normal: there is nothing to be on`,
    };
  const { current } = await ports.acknowledgements.acknowledge({
    dataset,
    by: clickerName(i).slice(0, 80),
    slackUserId: i.user.id,
    at: now.toISOString(),
    via: 'slack',
  });
  const who = current.slackUserId
    ? `<@${current.slackUserId}> (${sinceWhen(current, zone, now)})`
    : escapeMrkdwn(whoIsOnIt(current, zone, now));
  return { line: `:raising_hand: *Who is on it:* ${who}` };
}

async function snooze(i: Interaction, dataset: string, ports: InteractionPorts): Promise<Outcome> {
  const now = ports.clock();
  const zone = ports.config().settings.timezone;
  const until = await ports.snoozes.extend(dataset, nextWorkingMorning(now, zone, ports.holidays()));
  return {
    line: `:zzz: *Snoozed* by <@${i.user.id}>: no alerts about this dataset until ${escapeMrkdwn(formatLocal(until, zone, now))}`,
  };
}

/**
 * A click on "I'm on it" or "Snooze until tomorrow 09:00" (SPEC.md "People and the loop back"). The
 * function URL is open to anyone (auth NONE), so Slack's signature is the only gate: a request that is
 * not signed with the app's signing secret, is older than five minutes, or is larger than 64 KB is
 * answered 401 and changes nothing. A signed click records who is on it (or the snooze) with a
 * conditional write, so a retry or a second click at once changes nothing twice, and then replaces the
 * clicked message, through its `response_url`, with one that says so.
 */
export async function handleInteraction(
  request: FunctionUrlRequest,
  ports: InteractionPorts,
  log: (reason: string) => void = () => {},
): Promise<FunctionUrlAnswer> {
  const headers = Object.fromEntries(
    Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  const body = rawBody(request);
  if (!body) {
    log(`refused: the body is over ${MAX_BODY_BYTES} bytes`);
    return REFUSED;
  }
  const secret = await ports.signingSecret();
  if (!secret) {
    log('refused: the settings name no Slack app (slackApp.signingSecret)');
    return REFUSED;
  }
  const verdict = verifySlackSignature(
    {
      body,
      timestamp: headers['x-slack-request-timestamp'],
      signature: headers['x-slack-signature'],
    },
    secret,
    ports.clock(),
  );
  if (!verdict.ok) {
    log(`refused: ${verdict.reason}`);
    return REFUSED;
  }
  const interaction = parseInteraction(body.toString('utf8'));
  const action = interaction?.actions[0];
  if (!interaction || !action) return answer(400, 'Not a Stalewatch button');
  // A dataset, or an alarm a file watches (`alarm/<name>`): acknowledged and snoozed alike.
  const dataset = watchedOrNull(ports.config(), action.value);
  if (!dataset) return answer(400, `No dataset or alarm "${action.value}" in this deployment's checks`);
  const outcome =
    action.action_id === ACTIONS.ack
      ? await acknowledge(interaction, dataset, ports)
      : await snooze(interaction, dataset.id, ports);
  await ports.respond(interaction.response_url, updatedMessage(interaction, outcome.line));
  return answer(200, '');
}
