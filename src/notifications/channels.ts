import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';
import type { NotificationChannel } from '../db/db.ts';
import type { Logger } from '../log.ts';

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

/**
 * Channel delivers a message or throws saying why it could not. When `signal` aborts (the
 * attempt timed out, the worker is stopping) it stops waiting and throws the signal's reason.
 */
export type Channel = (delivery: Delivery, signal?: AbortSignal) => Promise<void>;

/** Channels are the ways out, by name (app_public.notification_channel). */
export type Channels = Readonly<Record<NotificationChannel, Channel>>;

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
  // Errors end up in logs, in notifications.last_error and in the jobs' errors, which more people
  // read than the config: they name the gateway by its origin, never its path or query (where a
  // token may sit), and quote no more of its answer than an excerpt.
  const webhookOrigin = webhookUrl ? new URL(webhookUrl).origin : '';
  const webhook: Channel =
    webhookUrl && webhookSecret
      ? async (delivery, signal) => {
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
            // A redirect would re-post the signed body (names, email, phone) wherever the gateway
            // points, or turn the POST into a GET whose 200 proves nothing was delivered.
            redirect: 'manual',
            signal: withTimeout(signal, WEBHOOK_TIMEOUT_MS),
          }).catch((error: Error) => {
            if (signal?.aborted) throw signal.reason;
            const reason = String(error.cause ?? error.message);
            throw new Error(
              `webhook ${webhookOrigin} unreachable: ${excerpt(reason.replaceAll(webhookUrl, webhookOrigin))}`,
            );
          });
          if (response.status >= 300 && response.status < 400) {
            await response.body?.cancel().catch(() => {});
            throw new Error(
              `webhook ${webhookOrigin} redirected (${response.status}); redirects are not followed, set WEBHOOK_URL to the final address`,
            );
          }
          if (response.status === 429) {
            await response.body?.cancel().catch(() => {});
            throw new ChannelBusyError(
              `webhook ${webhookOrigin} answered 429`,
              retryAfterMs(response.headers.get('retry-after'), Date.now()),
            );
          }
          if (!response.ok) {
            const text = excerpt(await response.text().catch(() => ''));
            throw new Error(
              `webhook ${webhookOrigin} answered ${response.status}${text ? `: ${text}` : ''}`,
            );
          }
          await response.body?.cancel().catch(() => {});
        }
      : missing('WEBHOOK_URL');

  const smtp = config.smtpUrl ? new URL(config.smtpUrl) : undefined;
  const transport = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : undefined;
  const email: Channel =
    transport && smtp
      ? async (delivery, signal) => {
          const sending = transport
            .sendMail({
              from: config.smtpFrom,
              to: { name: delivery.recipient.name, address: delivery.recipient.email },
              subject:
                delivery.message.length > 78
                  ? `${delivery.message.slice(0, 75)}...`
                  : delivery.message,
              text: delivery.message,
              messageId: `<${delivery.idempotencyKey.replace(/[^a-zA-Z0-9.-]/g, '.')}@schoolbell>`,
              headers: { 'Idempotency-Key': delivery.idempotencyKey },
            })
            .catch((error: Error) => {
              // nodemailer quotes the server's answer; SMTP_URL's user and password stay out.
              let reason = String(error.message);
              for (const secret of [smtp.username, smtp.password]) {
                if (secret) reason = reason.replaceAll(secret, '***');
                if (secret) reason = reason.replaceAll(decodeURIComponentSafe(secret), '***');
              }
              throw new Error(
                `email via ${smtp.protocol}//${smtp.host} failed: ${excerpt(reason)}`,
              );
            });
          // nodemailer takes no signal: an abandoned send ends by its own timeouts, unwatched.
          await (signal ? abortable(sending, signal) : sending);
        }
      : missing('SMTP_URL');

  return Object.freeze({ log: logChannel, webhook, email });
}

/** BUSY_DEFAULT_MS is how long a channel waits after a 429 without a usable Retry-After. */
export const BUSY_DEFAULT_MS = 30_000;
/** BUSY_MAX_MS bounds the wait a gateway's Retry-After can ask for. */
export const BUSY_MAX_MS = 3_600_000;

/**
 * ChannelBusyError is a gateway asking to be called later (HTTP 429): not a failed attempt, the
 * channel waits `waitMs` (from Retry-After, bounded).
 */
export class ChannelBusyError extends Error {
  override name = 'ChannelBusyError';
  readonly waitMs: number;
  constructor(message: string, waitMs: number) {
    super(message);
    this.waitMs = waitMs;
  }
}

/**
 * retryAfterMs reads a Retry-After header (seconds, or an HTTP date) as a wait from `now`: at
 * most BUSY_MAX_MS, BUSY_DEFAULT_MS when it is missing or unreadable, 0 for a date passed.
 */
export function retryAfterMs(header: string | null, now: number): number {
  const text = header?.trim() ?? '';
  let ms: number;
  if (/^\d{1,10}$/.test(text)) ms = Number(text) * 1000;
  else if (/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) {
    ms = Date.parse(text) - now;
  } else return BUSY_DEFAULT_MS;
  if (!Number.isFinite(ms)) return BUSY_DEFAULT_MS;
  return Math.min(BUSY_MAX_MS, Math.max(0, ms));
}

function withTimeout(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

function abortable(work: Promise<unknown>, signal: AbortSignal): Promise<void> {
  work.catch(() => {});
  signal.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work
      .then(
        () => resolve(),
        (error: unknown) => reject(error),
      )
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** EXCERPT_CHARS is as much of a gateway's answer as an error quotes. */
const EXCERPT_CHARS = 100;

/**
 * excerpt makes text from outside (a gateway's body, a server's answer) fit an error message:
 * one line, no control characters, at most EXCERPT_CHARS characters.
 */
export function excerpt(text: string): string {
  const line = text
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = Array.from(line);
  return chars.length > EXCERPT_CHARS ? `${chars.slice(0, EXCERPT_CHARS).join('')}…` : line;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
