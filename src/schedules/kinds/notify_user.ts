import { z } from 'zod';
import { enqueueNotification } from '../../db/queries.ts';
import { defineKind } from '../kind.ts';

/**
 * notify_user sends a user a custom message (subject and body) through a notification channel
 * (the configured REMINDER_CHANNEL when none is named), through the outbox. Admins only: the
 * text is free, and a channel such as SMS costs money.
 */
export default defineKind({
  name: 'notify_user',
  payload: z.strictObject({
    userId: z.uuid(),
    subject: z.string().trim().min(1).max(200),
    body: z.string().trim().min(1).max(1700),
    channel: z.enum(['log', 'webhook', 'email']).optional(),
  }),
  mayCreate: (actor) => actor.role === 'admin',
  async run(client, { schedule, payload }) {
    await enqueueNotification(client, {
      recipientId: payload.userId,
      channel: payload.channel ?? null,
      message: `${payload.subject}\n\n${payload.body}`,
      scheduledBy: schedule.created_by,
    });
  },
});
