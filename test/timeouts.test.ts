// Task timeouts on a real worker: a delivery to a webhook that hangs fails as a timeout long
// before the channel's own 10 s, frees the only worker slot for other jobs, is retried, and is
// delivered once when the gateway answers again.
import net from 'node:net';
import t from 'tap';
import { parseDuration } from '../src/duration.ts';
import { loadTaskDefinitions } from '../src/worker/worker.ts';
import { createTestPool } from '../support/database.ts';
import { asUser, createUser } from '../support/factories.ts';
import { finished, runCli, serve } from '../support/processes.ts';
import { startWebhookReceiver } from '../support/receivers.ts';
import { waitUntil } from '../support/waiting.ts';

const { pool, ...db } = await createTestPool(t, 4);

let hanging = true;
const answered: string[] = [];
const gateway = await startWebhookReceiver(t, {
  hang: () => hanging,
  status: (call) => {
    answered.push(call.body.id);
    return 200;
  },
});
// An SMTP server that takes the connection and never greets: nodemailer would wait 30 s.
const sockets = new Set<net.Socket>();
const silentSmtp = net.createServer((socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});
await new Promise<void>((resolve) => silentSmtp.listen(0, '127.0.0.1', resolve));
t.teardown(() => {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => silentSmtp.close(resolve));
});
const smtpPort = (silentSmtp.address() as net.AddressInfo).port;

await serve(t, 'start', {
  DATABASE_URL: db.url,
  WORKER_CONCURRENCY: '1',
  WEBHOOK_URL: gateway.url,
  WEBHOOK_SECRET: 'webhook-secret-0123456789',
  SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
  TASK_TIMEOUTS: 'send_notification=500 milliseconds',
});

const admin = await createUser(pool, 'admin');
const student = await createUser(pool, 'student');

const notify = (channel: 'webhook' | 'email' | 'log', message: string) =>
  asUser(
    pool,
    admin,
    async (client) => {
      const { rows } = await client.query<{ id: string }>(
        'select id from app_public.schedule_notification($1, $2, $3)',
        [student.id, channel, message],
      );
      return rows[0]?.id as string;
    },
    { commit: true },
  );

const notification = async (id: string) =>
  (
    await pool.query<{ state: string; sent_at: Date | null }>(
      'select state, sent_at from app_public.notifications where id = $1',
      [id],
    )
  ).rows[0];

t.test('a hanging delivery times out, frees its slot, and is delivered once later', async (t) => {
  const hung = await notify('webhook', 'the gateway hangs on this one');
  await waitUntil('the gateway holds the first attempt', async () =>
    gateway.calls.some((call) => call.body.id === hung),
  );

  // One worker slot, held by the hanging delivery until it times out: the next job runs only
  // because the timeout gave the slot back.
  const other = await notify('log', 'meanwhile, another job');
  await waitUntil('the other job ran', async () => (await notification(other))?.state === 'sent');

  // The history is written in batches, within 200 ms.
  const run = await waitUntil('the timed-out attempt is in the job history', async () => {
    const { rows } = await pool.query<{ outcome: string; error: string; duration_ms: number }>(
      `select outcome, error, duration_ms from app_private.job_history
        where task = 'send_notification' and payload->>'notificationId' = $1 order by id`,
      [hung],
    );
    return rows[0];
  });
  t.match(run, {
    outcome: 'error',
    error: /^send_notification timed out after 500 milliseconds \(TASK_TIMEOUTS\); retried/,
  });
  t.ok(Number(run.duration_ms) < 5_000, 'well before the webhook’s own 10 s timeout');
  t.equal((await notification(hung))?.state, 'pending', 'not sent, not failed: to be retried');
  const { rows: jobs } = await pool.query(
    `select attempts, last_error from graphile_worker.jobs
      where key = app_private.notification_job_key($1)`,
    [hung],
  );
  t.match(jobs[0], { attempts: Number, last_error: /timed out after 500 milliseconds/ });

  // The gateway answers again: graphile-worker's retry delivers it, once.
  hanging = false;
  await waitUntil(
    'the retry delivers it',
    async () => (await notification(hung))?.state === 'sent',
  );
  t.equal(answered.filter((id) => id === hung).length, 1, 'delivered once');
  t.ok(
    gateway.calls.filter((call) => call.body.id === hung).length >= 2,
    'after at least one timed-out attempt',
  );
});

t.test('an email to a server that never answers times out too', async (t) => {
  const mail = await notify('email', 'the mail server is silent');
  const run = await waitUntil('the attempt timed out', async () => {
    const { rows } = await pool.query<{ error: string; duration_ms: number }>(
      `select error, duration_ms from app_private.job_history
        where task = 'send_notification' and payload->>'notificationId' = $1`,
      [mail],
    );
    return rows[0];
  });
  t.match(run.error, /^send_notification timed out after 500 milliseconds/);
  t.ok(Number(run.duration_ms) < 5_000, 'long before nodemailer’s own 30 s');
  t.equal((await notification(mail))?.state, 'pending');
});

t.test('every timeout a task declares is a duration', async (t) => {
  for (const [name, task] of await loadTaskDefinitions()) {
    if (task.timeout !== undefined) t.ok(parseDuration(task.timeout).ms >= 100, name);
  }
});

t.test('TASK_TIMEOUTS naming no task stops the worker with exit 78', async (t) => {
  const cli = runCli(t, ['worker'], {
    DATABASE_URL: db.url,
    LOG_FORMAT: 'pretty',
    TASK_TIMEOUTS: 'send_notifications=30 seconds',
  });
  t.equal(await finished(cli), 78);
  t.match(
    cli.stderr(),
    /TASK_TIMEOUTS: no task named send_notifications \(the tasks are .*send_notification/,
  );
});
