import { z } from 'zod';
import { type Agenda, dailyAgenda, enqueueNotification } from '../../db/queries.ts';
import { defineKind } from '../kind.ts';

/**
 * daily_agenda sends a tutor or student their sessions of the day (the day of the occurrence in
 * THEIR time zone, users.time_zone), with times written in that zone, through the configured
 * REMINDER_CHANNEL. Admins may schedule it for anyone; a user may schedule their own.
 */
export default defineKind({
  name: 'daily_agenda',
  payload: z.strictObject({ userId: z.uuid() }),
  mayCreate: (actor, payload) => actor.role === 'admin' || actor.id === payload.userId,
  async run(client, { schedule, payload, occurrence }) {
    const agenda = await dailyAgenda(client, payload.userId, occurrence);
    // The user is gone: their schedules go with them (on delete cascade); nothing to send.
    if (!agenda) return;
    await enqueueNotification(client, {
      recipientId: payload.userId,
      channel: null,
      message: agendaText(agenda),
      scheduledBy: schedule.created_by,
    });
  },
});

/** agendaText writes a day's sessions in the user's zone: "09:00–10:00 Algebra with Ana". */
export function agendaText(agenda: Agenda): string {
  const date = new Date(`${agenda.day}T12:00:00Z`).toLocaleDateString('en-GB', {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone: agenda.timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  if (agenda.sessions.length === 0) return `${date}: you have no sessions today.`;
  const lines = agenda.sessions.map(
    (s) =>
      `${time.format(new Date(s.startsAt))}–${time.format(new Date(s.endsAt))} ${s.subject}${s.with ? ` with ${s.with}` : ''}`,
  );
  return `Your sessions on ${date} (${agenda.timeZone}):\n${lines.join('\n')}`;
}
