// Reminders and runtime notifications, delivered by a real `schoolbell start` to real local
// receivers: an HTTP server standing in for an SMS/push gateway, and an SMTP server.
import { createHmac } from 'node:crypto';
import t from 'tap';
import { createTestPool } from '../support/database.ts';
import { acceptBooking, createUser, requestBooking } from '../support/factories.ts';
import { dataOf, graphqlClient, postGraphql } from '../support/graphql.ts';
import { serve } from '../support/processes.ts';
import { startSmtpReceiver, startWebhookReceiver } from '../support/receivers.ts';
import { waitUntil } from '../support/waiting.ts';

const SECRET = 'notifications-test-secret-0123456789abcdef';
const WEBHOOK_SECRET = 'webhook-secret-0123456789';
const { pool, ...db } = await createTestPool(t, 6);

// The gateway refuses any message that asks it to.
const webhook = await startWebhookReceiver(t, {
  status: (call) => (call.body.message.includes('please fail') ? 500 : 200),
});
const smtp = await startSmtpReceiver(t);
const { base } = await serve(t, 'start', {
  DATABASE_URL: db.url,
  JWT_SECRET: SECRET,
  REMINDER_LEADS: '2 seconds',
  REMINDER_CHANNEL: 'webhook',
  WEBHOOK_URL: webhook.url,
  WEBHOOK_SECRET,
  SMTP_URL: smtp.url,
  NOTIFICATION_MAX_ATTEMPTS: '3',
  NOTIFICATION_RETRY_DELAY: '200 milliseconds',
});

const student = await createUser(pool, 'student', { name: 'Sora', timeZone: 'Asia/Tokyo' });
const tutor = await createUser(pool, 'tutor', { name: 'Tina', timeZone: 'America/New_York' });
const admin = await createUser(pool, 'admin', { name: 'Ada' });

const clock = (date: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' }).format(date);

t.test('reminders reach a webhook once each, signed, in the recipient’s time zone', async (t) => {
  const booking = await requestBooking(pool, student, tutor, {
    startsIn: 5 / 60,
    subject: 'Geometry',
  });
  await acceptBooking(pool, tutor, booking.id);

  await waitUntil('both reminders arrive', async () => webhook.calls.length >= 2);
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  t.equal(webhook.calls.length, 2, 'one per recipient, and no more');

  const byRecipient = new Map(webhook.calls.map((call) => [call.body.recipient.id, call]));
  const toStudent = byRecipient.get(student.id);
  const toTutor = byRecipient.get(tutor.id);
  t.match(toStudent?.body.message, 'Geometry with Tina starts in 2 seconds');
  t.match(toStudent?.body.message, `${clock(booking.starts_at, 'Asia/Tokyo')} (Asia/Tokyo)`);
  t.match(toTutor?.body.message, 'Geometry with Sora starts in 2 seconds');
  t.match(
    toTutor?.body.message,
    `${clock(booking.starts_at, 'America/New_York')} (America/New_York)`,
  );

  for (const call of webhook.calls) {
    const expected = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(call.raw).digest('hex')}`;
    t.equal(call.headers['x-schoolbell-signature'], expected, 'signed with WEBHOOK_SECRET');
    t.match(
      call.headers['idempotency-key'],
      new RegExp(`^${call.body.id}:`),
      'keyed by the notification',
    );
  }
  const { rows } = await pool.query(
    'select state, attempts from app_public.notifications where booking_id = $1',
    [booking.id],
  );
  t.same(rows, [
    { state: 'sent', attempts: 1 },
    { state: 'sent', attempts: 1 },
  ]);
});

t.test('reminders reach an SMTP server', async (t) => {
  // A DBA (or the next deploy's REMINDER_CHANNEL) switches reminders to email.
  await pool.query(
    "update app_private.settings set value = 'email' where name = 'reminder_channel'",
  );
  t.teardown(() =>
    pool.query("update app_private.settings set value = 'webhook' where name = 'reminder_channel'"),
  );
  const other = await createUser(pool, 'tutor', { name: 'Tomás', timeZone: 'Europe/Madrid' });
  const booking = await requestBooking(pool, student, other, {
    startsIn: 5 / 60,
    subject: 'Physics',
  });
  await acceptBooking(pool, other, booking.id);

  await waitUntil('both mails arrive', async () => smtp.mails.length >= 2);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  t.equal(smtp.mails.length, 2);
  const toTutor = smtp.mails.find((mail) =>
    mail.to.some((address) => address.startsWith('tutor-')),
  );
  t.match(toTutor?.data, /Physics with Sora starts in 2 seconds/);
  t.match(toTutor?.data, `${clock(booking.starts_at, 'Europe/Madrid')} (Europe/Madrid)`);
  t.match(toTutor?.data, /Idempotency-Key:\s+[0-9a-f-]{36}:/);
});

const SCHEDULE = `mutation ($recipientId: UUID!, $channel: NotificationChannel!, $message: String!, $runAt: Datetime) {
  scheduleNotification(input: { recipientId: $recipientId, channel: $channel, message: $message, runAt: $runAt }) {
    notification { id state runAt }
  }
}`;
const CANCEL = `mutation ($id: UUID!) { cancelNotification(input: { id: $id }) { notification { id state } } }`;

const gql = graphqlClient(base, SECRET);
const asAdmin = (query: string, variables: Record<string, unknown>, user = admin) =>
  gql(user, query, variables);

t.test('admins schedule and cancel notifications at runtime', async (t) => {
  const now = await asAdmin(SCHEDULE, {
    recipientId: student.id,
    channel: 'EMAIL',
    message: 'Your invoice is ready.',
  });
  const handle = (dataOf(now.body).scheduleNotification as { notification: { id: string } })
    .notification.id;
  await waitUntil('the mail arrives', async () =>
    smtp.mails.find((mail) => mail.data.includes('Your invoice is ready.')),
  );
  const { rows } = await pool.query('select state from app_public.notifications where id = $1', [
    handle,
  ]);
  t.equal(rows[0].state, 'sent');

  const later = await asAdmin(SCHEDULE, {
    recipientId: tutor.id,
    channel: 'WEBHOOK',
    message: 'Term starts Monday.',
    runAt: new Date(Date.now() + 3_600_000).toISOString(),
  });
  const pending = (
    dataOf(later.body).scheduleNotification as { notification: { id: string; state: string } }
  ).notification;
  t.equal(pending.state, 'PENDING');
  const job = await pool.query(
    'select task_identifier from graphile_worker.jobs where key = app_private.notification_job_key($1)',
    [pending.id],
  );
  t.same(
    job.rows,
    [{ task_identifier: 'send_notification' }],
    'its job waits in graphile_worker.jobs',
  );

  const cancelled = await asAdmin(CANCEL, { id: pending.id });
  t.match(cancelled.body.data?.cancelNotification, { notification: { state: 'CANCELLED' } });
  const gone = await pool.query(
    'select 1 from graphile_worker.jobs where key = app_private.notification_job_key($1)',
    [pending.id],
  );
  t.equal(gone.rowCount, 0, 'and its job is gone');
});

t.test('only admins, only known channels, only sensible input', async (t) => {
  const asStudent = await asAdmin(
    SCHEDULE,
    { recipientId: tutor.id, channel: 'LOG', message: 'hi' },
    student,
  );
  t.match(asStudent.body.errors?.[0], {
    message: 'only admins schedule notifications',
    extensions: { code: 'DENYD' },
  });
  const sms = await asAdmin(SCHEDULE, {
    recipientId: tutor.id,
    channel: 'carrier_pigeon',
    message: 'hi',
  });
  t.match(
    sms.body.errors?.[0]?.message,
    /Value "carrier_pigeon" does not exist in "NotificationChannel" enum/,
  );
  const past = await asAdmin(SCHEDULE, {
    recipientId: tutor.id,
    channel: 'LOG',
    message: 'hi',
    runAt: '2001-01-01T00:00:00Z',
  });
  t.match(past.body.errors?.[0], { extensions: { code: 'BADIN' } });
  const empty = await asAdmin(SCHEDULE, { recipientId: tutor.id, channel: 'LOG', message: ' ' });
  t.match(empty.body.errors?.[0], {
    message: /message must have 1 to 2000 characters/,
    extensions: { code: 'BADIN' },
  });
  const nobody = await asAdmin(SCHEDULE, {
    recipientId: '33333333-3333-4333-8333-333333333333',
    channel: 'LOG',
    message: 'hi',
  });
  t.match(nobody.body.errors?.[0], { extensions: { code: 'NTFND' } });
  // No operation takes a task name with a payload: the API enqueues only what it was built to.
  // The one payload an input carries is a runtime schedule's, for a kind from the allowlist and
  // checked by that kind's schema (test/schedules-api.test.ts refuses the others).
  const schema = await postGraphql(base, '{ __schema { types { name inputFields { name } } } }');
  const types = (
    dataOf(schema.body).__schema as {
      types: Array<{ name: string; inputFields: Array<{ name: string }> | null }>;
    }
  ).types;
  t.notOk(
    types.some((type) => type.inputFields?.some((field) => /identifier/i.test(field.name))),
    'the API cannot enqueue arbitrary tasks',
  );
  t.same(
    types
      .filter((type) => type.inputFields?.some((field) => /payload/i.test(field.name)))
      .map((type) => type.name)
      .sort(),
    ['CreateScheduleInput', 'SchedulePatchInput'],
    'nor arbitrary payloads: only a schedule’s, which its kind checks',
  );
});

t.test('a failing channel is retried with backoff, then the failure is visible', async (t) => {
  const scheduled = await asAdmin(SCHEDULE, {
    recipientId: student.id,
    channel: 'WEBHOOK',
    message: 'please fail',
  });
  const notificationId = (
    dataOf(scheduled.body).scheduleNotification as { notification: { id: string } }
  ).notification.id;

  const failed = await waitUntil('the notification fails for good', async () => {
    const { rows } = await pool.query(
      "select * from app_public.notifications where id = $1 and state = 'failed'",
      [notificationId],
    );
    return rows[0];
  });
  t.equal(failed.attempts, 3, 'three attempts (NOTIFICATION_MAX_ATTEMPTS)');
  t.match(failed.last_error, /webhook .* answered 500/);
  const calls = webhook.calls.filter((call) => call.body.id === notificationId);
  t.equal(calls.length, 3);
  t.equal(
    new Set(calls.map((call) => call.headers['idempotency-key'])).size,
    1,
    'the same idempotency key every time',
  );
  // The outbox row commits before the task throws; graphile-worker records the job's failure
  // after that, in its own batch.
  const job = await waitUntil('graphile-worker records the failed job', async () => {
    const { rows } = await pool.query(
      'select attempts, max_attempts, last_error from graphile_worker.jobs where key = app_private.notification_job_key($1) and last_error is not null',
      [notificationId],
    );
    return rows[0];
  });
  t.match(
    job,
    { last_error: /delivery failed 3 times, giving up: webhook .* answered 500/ },
    "the job's last_error says so",
  );
  t.equal(job.attempts, job.max_attempts, 'and the job is not retried');
});
