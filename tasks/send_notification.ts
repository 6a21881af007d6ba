import { z } from 'zod';
import type { Config } from '../src/config.ts';
import {
  blockChannel,
  giveUpJob,
  lockPendingNotification,
  markNotificationFailed,
  markNotificationSent,
  type PendingNotification,
  takeDeliverySlot,
} from '../src/db/queries.ts';
import { ChannelBusyError, type Delivery } from '../src/notifications/channels.ts';
import { reminderText } from '../src/notifications/reminder.ts';
import { defineTask, PermanentError } from '../src/task.ts';
import { epochMs } from '../src/worker/timers.ts';

/** RETRY_CAP_MS bounds the backoff between two delivery attempts. */
const RETRY_CAP_MS = 3_600_000;

/**
 * send_notification delivers one outbox row through its channel, at least once: the row is
 * locked for the attempt, marked sent in the same transaction once the channel accepted it, and
 * a row already sent (or cancelled) is never sent again. The channel sees the same idempotency
 * key on every attempt. A failure is retried with exponential backoff and jitter up to
 * NOTIFICATION_MAX_ATTEMPTS; after the last, the row is failed and so is this job. An attempt
 * that runs past its timeout (30 seconds, TASK_TIMEOUTS) stops its channel call, leaves the row
 * as it was and fails the job, which graphile-worker retries with its own backoff.
 *
 * A channel with a rate (CHANNEL_RATES) or held back by a gateway's 429 is waited for, not
 * failed: the job moves to a later slot (`slot` in its payload: it has waited its turn, so it
 * then goes as soon as the rate allows) and this run ends successfully, so no attempt is spent.
 * A 429 holds the channel back for its Retry-After (bounded) and moves this delivery there,
 * likewise without an attempt.
 */
export default defineTask({
  payload: z.object({
    notificationId: z.uuid(),
    slot: z.iso.datetime({ offset: true }).optional(),
  }),
  timeout: '30 seconds',
  async run({ notificationId, slot }, helpers, { config, channels, signal }) {
    await helpers.withPgClient(async (client) => {
      const movedTo = await takeDeliverySlot(client, notificationId, spacings(config), slot);
      if (movedTo) {
        helpers.logger.debug(`waiting for the channel's slot at ${movedTo.toISOString()}`);
        return;
      }
      await client.query('begin');
      try {
        const notification = await lockPendingNotification(client, notificationId);
        // Gone, sent, cancelled, or being sent by another job: nothing to do. Likewise when the
        // reminder was moved later by a reschedule: its new job will send it.
        if (!notification || epochMs(notification.run_at) > Date.now() + 1_000) {
          await client.query('commit');
          return;
        }
        const delivery = toDelivery(notification);
        try {
          await channels[notification.channel](delivery, signal);
        } catch (error) {
          // Timed out or stopping: the job's failure is the record; the outbox row stays pending.
          if (signal.aborted) throw signal.reason;
          if (error instanceof ChannelBusyError) {
            const until = new Date(Date.now() + error.waitMs);
            await blockChannel(client, notificationId, until);
            await client.query('commit');
            helpers.logger.warn(`${error.message}; channel held back until ${until.toISOString()}`);
            return;
          }
          const message = (error as Error).message;
          const attempt = notification.attempts + 1;
          const last = attempt >= config.notificationMaxAttempts;
          const retryAt = last
            ? undefined
            : new Date(Date.now() + backoff(attempt, config.notificationRetryDelay.ms));
          await markNotificationFailed(client, notificationId, message, retryAt);
          await client.query('commit');
          if (last) {
            await giveUpJob(client, helpers.job.id);
            throw new PermanentError(
              `${notification.channel} delivery failed ${attempt} times, giving up: ${message}`,
            );
          }
          helpers.logger.warn(
            `delivery attempt ${attempt} failed, retrying at ${retryAt?.toISOString()}: ${message}`,
          );
          return;
        }
        await markNotificationSent(client, notificationId);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      }
    });
  },
});

/** spacings maps each rate-limited channel to the interval between two of its deliveries. */
function spacings(config: Config): Record<string, string> {
  return Object.fromEntries(
    config.channelRates.map((rate) => [
      rate.channel,
      `${Math.ceil((rate.seconds * 1_000_000) / rate.requests)} microseconds`,
    ]),
  );
}

/** backoff doubles from `base` per attempt, capped, with "equal jitter": half fixed, half random. */
function backoff(attempt: number, base: number): number {
  const ceiling = Math.min(RETRY_CAP_MS, base * 2 ** (attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

function toDelivery(n: PendingNotification): Delivery {
  const message =
    n.message ??
    reminderText({
      subject: n.subject ?? 'your session',
      otherPartyName: n.other_party_name ?? 'your tutor',
      startsAt: n.starts_at ?? n.run_at,
      timeZone: n.recipient_time_zone,
      leadSeconds: n.lead_seconds ?? 0,
    });
  return {
    idempotencyKey: `${n.id}:${n.run_at.toISOString()}`,
    notificationId: n.id,
    bookingId: n.booking_id,
    recipient: {
      id: n.recipient_id,
      name: n.recipient_name,
      email: n.recipient_email,
      phone: n.recipient_phone,
      timeZone: n.recipient_time_zone,
    },
    message,
  };
}
