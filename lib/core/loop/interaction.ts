import * as z from 'zod';
import { readableName } from './acknowledgement';

/** The `action_id`s of the buttons on stale and error messages. */
export const ACTIONS = { ack: 'stalewatch-ack', snooze: 'stalewatch-snooze' } as const;

/** The `block_id` of the buttons' block: the block a click replaces with who is on it. */
export const BUTTONS_BLOCK_ID = 'stalewatch-loop';

/** One Block Kit block as Slack sends it back: kept as it is, but for the buttons. */
const blockSchema = z.looseObject({ type: z.string(), block_id: z.string().optional() });

/**
 * The part of Slack's `block_actions` payload Stalewatch reads: who clicked which button of which
 * message, and where to update it. Everything else Slack sends is ignored.
 */
export const interactionSchema = z.looseObject({
  type: z.literal('block_actions'),
  user: z.looseObject({
    id: z.string().regex(/^[UW][A-Z0-9]+$/),
    name: z.string().optional(),
    username: z.string().optional(),
  }),
  response_url: z.url({ protocol: /^https?$/ }),
  actions: z
    .array(
      z.looseObject({
        action_id: z.enum([ACTIONS.ack, ACTIONS.snooze]),
        // A dataset id, or a watched alarm (`alarm/<CloudWatch alarm name>`: no control characters).
        value: z.string().regex(/^(?:[a-z0-9][a-z0-9-]*|alarm\/[^\p{Cc}]{1,255})$/u),
      }),
    )
    .min(1),
  message: z.looseObject({ text: z.string().optional(), blocks: z.array(blockSchema).optional() }).optional(),
});

/** A click on one of Stalewatch's buttons, as read from Slack's payload. */
export type Interaction = z.output<typeof interactionSchema>;

/** A form body's `payload` field, read as an interaction; null when it is not one Stalewatch made. */
export function parseInteraction(formBody: string): Interaction | null {
  const payload = new URLSearchParams(formBody).get('payload');
  if (!payload) return null;
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return null;
  }
  const parsed = interactionSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** The name of who clicked, as people read it (one line, no control characters: `readableName`). */
export const clickerName = (i: Interaction) =>
  readableName(i.user.name ?? i.user.username ?? i.user.id) || i.user.id;

/** The two buttons, for a message about `dataset` (Block Kit `actions` block). */
export function loopButtons(dataset: string) {
  return {
    type: 'actions' as const,
    block_id: BUTTONS_BLOCK_ID,
    elements: [
      {
        type: 'button' as const,
        action_id: ACTIONS.ack,
        text: { type: 'plain_text' as const, text: "I'm on it" },
        style: 'primary' as const,
        value: dataset,
      },
      {
        type: 'button' as const,
        action_id: ACTIONS.snooze,
        text: { type: 'plain_text' as const, text: 'Snooze until tomorrow 09:00' },
        value: dataset,
      },
    ],
  };
}

/**
 * The clicked message as it should now read: the same blocks, the buttons replaced by one line that
 * says what happened ("Who is on it: …", "Snoozed until …"). Slack replaces the original with it.
 */
export function updatedMessage(
  interaction: Interaction,
  line: string,
): { replace_original: true; text: string; blocks: unknown[] } {
  const blocks = (interaction.message?.blocks ?? []).filter((b) => b.block_id !== BUTTONS_BLOCK_ID);
  return {
    replace_original: true,
    text: interaction.message?.text ?? line,
    blocks: [...blocks, { type: 'context', elements: [{ type: 'mrkdwn', text: line }] }],
  };
}
