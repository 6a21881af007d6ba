import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';

/** Delivery is one message to one person, with the key that makes re-sends recognisable. */
export interface Delivery {
  /** idempotencyKey is the same for every attempt at the same notification. */
  readonly idempotencyKey: string;
  readonly notificationId: string;
  readonly bookingId: string | null;
  readonly recipient: {
    id: string;
    name: string;
    email: string;
    phone: string | null;
    timeZone: string;
  };
  readonly message: string;
}

/** Channel delivers a message or throws saying why it could not. */
export type Channel = (delivery: Delivery) => Promise<void>;

/** Channels are the ways out, by name (app_public.notification_channel). */
export type Channels = Readonly<Record<'log' | 'webhook' | 'email', Channel>>;

/** WEBHOOK_TIMEOUT_MS bounds a webhook call; a gateway that hangs counts as a failure. */
const WEBHOOK_TIMEOUT_MS = 10_000;

/** signWebhook is the X-Schoolbell-Signature of a webhook body: HMAC-SHA256 keyed by WEBHOOK_SECRET. */
export function signWebhook(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * createChannels builds the channels from the config. A channel that is not configured fails
 * each delivery with a message naming the missing setting.
 */
export function createChannels(config: Config, log: Logger): Channels {
  const missing =
    (setting: string): Channel =>
    async () => {
      throw new Error(`${setting} is not set`);
    };

  const logChannel: Channel = async (delivery) => {
    log.info(
      {
        notificationId: delivery.notificationId,
        recipient: delivery.recipient.id,
        idempotencyKey: delivery.idempotencyKey,
      },
      delivery.message,
    );
  };

  const { webhookUrl, webhookSecret } = config;
  const webhook: Channel =
    webhookUrl && webhookSecret
      ? async (delivery) => {
          const body = JSON.stringify({
            id: delivery.notificationId,
            bookingId: delivery.bookingId,
            recipient: delivery.recipient,
            message: delivery.message,
          });
          const response = await fetch(webhookUrl, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'idempotency-key': delivery.idempotencyKey,
              'x-schoolbell-signature': signWebhook(body, webhookSecret),
            },
            body,
            signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
          }).catch((error: Error) => {
            throw new Error(`webhook ${webhookUrl} unreachable: ${error.cause ?? error.message}`);
          });
          if (!response.ok) {
            const text = (await response.text().catch(() => '')).slice(0, 200);
            throw new Error(
              `webhook ${webhookUrl} answered ${response.status}${text ? `: ${text}` : ''}`,
            );
          }
        }
      : missing('WEBHOOK_URL');

  const transport = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : undefined;
  const email: Channel = transport
    ? async (delivery) => {
        await transport.sendMail({
          from: config.smtpFrom,
          to: { name: delivery.recipient.name, address: delivery.recipient.email },
          subject:
            delivery.message.length > 78 ? `${delivery.message.slice(0, 75)}...` : delivery.message,
          text: delivery.message,
          messageId: `<${delivery.idempotencyKey.replace(/[^a-zA-Z0-9.-]/g, '.')}@schoolbell>`,
          headers: { 'Idempotency-Key': delivery.idempotencyKey },
        });
      }
    : missing('SMTP_URL');

  return Object.freeze({ log: logChannel, webhook, email });
}
