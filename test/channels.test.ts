// The channels at their edges: a gateway that redirects, a WEBHOOK_URL with a token in its
// query, a gateway whose error page is long and full of control characters, an SMTP server that
// is down while SMTP_URL holds a password. A real `schoolbell start` delivers to real local
// receivers.
import t from 'tap';
import { signToken } from '../src/http/auth.ts';
import { createTestPool } from '../support/database.ts';
import { createUser } from '../support/factories.ts';
import { dataOf, postGraphql } from '../support/graphql.ts';
import { freePort, serve } from '../support/processes.ts';
import { startWebhookReceiver } from '../support/receivers.ts';
import { waitUntil } from '../support/waiting.ts';

const SECRET = 'webhook-test-secret-0123456789abcdef';
const TOKEN = 's3cret-gateway-token';
const { pool, ...db } = await createTestPool(t, 4);

// Where a redirect would send the notification: it must never hear of it.
const elsewhere = await startWebhookReceiver(t);
// The gateway answers as the message asks it to.
const gateway = await startWebhookReceiver(t, {
  status: (call) => {
    const asked = /answer (\d{3})/.exec(call.body.message);
    return asked ? Number(asked[1]) : 200;
  },
  headers: (call): Record<string, string> =>
    /answer 30\d/.test(call.body.message) ? { location: `${elsewhere.url}?stolen=1` } : {},
  body: (call) =>
    /answer 5\d\d/.test(call.body.message)
      ? `<html>\n<title>Gateway\u0007 down</title>\r\n\u001b[31m${'x'.repeat(500)} ${TOKEN}</html>`
      : '',
});
const webhookUrl = `${gateway.url}?token=${TOKEN}`;
const origin = new URL(gateway.url).origin;
// Nothing listens there.
const smtpHost = `127.0.0.1:${await freePort()}`;
const SMTP_PASSWORD = 'pa55-smtp-s3cret';

const service = await serve(t, 'start', {
  DATABASE_URL: db.url,
  JWT_SECRET: SECRET,
  LOG_LEVEL: 'debug',
  REMINDER_CHANNEL: 'webhook',
  WEBHOOK_URL: webhookUrl,
  WEBHOOK_SECRET: 'webhook-secret-0123456789',
  SMTP_URL: `smtp://mailer:${SMTP_PASSWORD}@${smtpHost}`,
  NOTIFICATION_MAX_ATTEMPTS: '1',
});
const admin = await createUser(pool, 'admin', { name: 'Ada' });
const student = await createUser(pool, 'student', { name: 'Sam' });

const SCHEDULE = `mutation ($recipientId: UUID!, $message: String!, $channel: NotificationChannel!) {
  scheduleNotification(input: { recipientId: $recipientId, channel: $channel, message: $message }) {
    notification { id }
  }
}`;

/** send schedules a notification now and waits until it has settled, sent or failed. */
async function send(message: string, channel: 'WEBHOOK' | 'EMAIL' = 'WEBHOOK') {
  const scheduled = await postGraphql(
    service.base,
    SCHEDULE,
    { recipientId: student.id, message, channel },
    { authorization: `Bearer ${await signToken(admin, SECRET, 600)}` },
  );
  const { id } = (dataOf(scheduled.body).scheduleNotification as { notification: { id: string } })
    .notification;
  return waitUntil(`notification "${message}" settles`, async () => {
    const { rows } = await pool.query(
      "select * from app_public.notifications where id = $1 and state in ('sent', 'failed')",
      [id],
    );
    return rows[0];
  });
}

/** errorsOf gathers every error stored about a notification: its own, its job's, its history's. */
async function errorsOf(notificationId: string): Promise<string[]> {
  const history = await waitUntil('the job history is written', async () => {
    const { rows } = await pool.query(
      'select error from app_private.job_history where job_key = app_private.notification_job_key($1) and error is not null',
      [notificationId],
    );
    return rows.length > 0 ? rows : undefined;
  });
  const job = await pool.query(
    'select last_error from graphile_worker.jobs where key = app_private.notification_job_key($1)',
    [notificationId],
  );
  const own = await pool.query('select last_error from app_public.notifications where id = $1', [
    notificationId,
  ]);
  return [
    ...own.rows.map((row) => row.last_error),
    ...job.rows.map((row) => row.last_error),
    ...history.map((row: { error: string }) => row.error),
  ];
}

for (const status of [307, 308, 301, 302, 303]) {
  t.test(`a gateway answering ${status} has not received the notification`, async (t) => {
    const before = gateway.calls.length;
    const notification = await send(`please answer ${status}`);
    t.equal(notification.state, 'failed', 'failed, not sent');
    t.match(notification.last_error, `webhook ${origin} redirected (${status})`);
    t.equal(gateway.calls.length - before, 1, 'one POST, nothing after it');
    t.equal(elsewhere.calls.length, 0, 'nothing re-posted (nor fetched) where it pointed');
    for (const error of await errorsOf(notification.id)) {
      t.match(error, /redirected/);
      t.notMatch(error, TOKEN, 'no token from the URL');
      t.notMatch(error, '/hooks/notify', 'no path from the URL');
    }
  });
}

t.test("a gateway's error page is quoted as a short, single line", async (t) => {
  const notification = await send('please answer 503');
  t.equal(notification.state, 'failed');
  const errors = await errorsOf(notification.id);
  for (const error of errors) {
    t.match(error, `webhook ${origin} answered 503: <html> <title>Gateway down</title>`);
    t.notMatch(error, TOKEN, 'the body beyond the excerpt is left out');
    // graphile-worker keeps the stack below the message; the message itself is one line.
    const line = error.split('\n')[0] as string;
    t.notMatch(line, /\p{Cc}/u, 'no control characters');
    const quoted = line.slice(line.indexOf('answered 503: ') + 'answered 503: '.length);
    t.ok(Array.from(quoted).length <= 101, `at most 100 characters and an ellipsis: ${quoted}`);
  }
});

t.test('a gateway that answers 200 still gets its notification', async (t) => {
  const notification = await send('hello');
  t.equal(notification.state, 'sent');
  t.equal(gateway.calls.at(-1)?.url, `/hooks/notify?token=${TOKEN}`, 'at the full URL');
});

t.test("an SMTP server's failure is told without SMTP_URL's credentials", async (t) => {
  const notification = await send('your invoice', 'EMAIL');
  t.equal(notification.state, 'failed');
  for (const error of await errorsOf(notification.id)) {
    t.match(error, `email via smtp://${smtpHost} failed: `);
    t.notMatch(error, SMTP_PASSWORD);
    t.notMatch(error, 'mailer');
  }
});

t.test("the service's log never shows the URL's path or query, nor a password", async (t) => {
  t.notMatch(service.output(), SMTP_PASSWORD);
  t.notMatch(service.output(), TOKEN);
  t.notMatch(service.output(), '/hooks/notify');
  t.match(service.output(), /redirected \(307\)/, 'while it does say what went wrong');
});
