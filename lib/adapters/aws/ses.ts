import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Channel } from '../../app/ports';
import { DeliveryError } from '../../core/errors';
import { type Email, toEmail } from '../../core/messages/email';

/** Sends one email through SES v2 (`AWS_ENDPOINT_URL_SESV2` is honoured); the SDK retries throttling and 5xx. */
export async function sendEmail(client: SESv2Client, from: string, to: string, email: Email): Promise<void> {
  try {
    await client.send(
      new SendEmailCommand({
        FromEmailAddress: from,
        Destination: { ToAddresses: [to] },
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: {
              Html: { Data: email.html, Charset: 'UTF-8' },
              Text: { Data: email.text, Charset: 'UTF-8' },
            },
          },
        },
      }),
    );
  } catch (error) {
    throw new DeliveryError(
      `SES did not accept the email to ${to}: ${(error as Error).name}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * The email channel: a contact with `email:` gets each message as one email (HTML and text), sent from
 * the address `from` reads (SSM, cached). While no sender address is set up, email is not sent at all.
 */
export function emailChannel(deps: {
  client: () => SESv2Client;
  from: () => Promise<string | null>;
}): Channel<Email & { from: string }> {
  return {
    name: 'email',
    async render(alert, contact) {
      const from = contact.email ? await deps.from() : null;
      return contact.email && from ? [{ ...toEmail(alert), from }] : [];
    },
    async send(contact, { from, ...email }) {
      if (contact.email) await sendEmail(deps.client(), from, contact.email, email);
    },
  };
}
