// Nothing is lost when a worker dies: kill -9 in the middle of a delivery, start another, and
// every due transition and reminder happens; what was already sent is not sent again.
import t from 'tap';
import { createPool } from '../src/db.ts';
import { createLogger } from '../src/log.ts';
import { createTestDatabase } from './helpers/database.ts';
import { acceptBooking, createUser, requestBooking } from './helpers/factories.ts';
import { runCli } from './helpers/process.ts';
import { startWebhookReceiver, waitUntil } from './helpers/receivers.ts';

const log = createLogger({ logLevel: 'silent', logFormat: 'json' });

t.test(
  'kill -9 a worker with reminders and transitions pending, start another: nothing is lost',
  async (t) => {
    const db = await createTestDatabase(t);
    const pool = createPool(db.url, 4, log, 'test');
    t.teardown(() => pool.end());
    // The gateway takes five seconds over the "Slow" reminders: the worker dies while sending them.
    const gateway = await startWebhookReceiver(t, {
      delayMs: (call) => (call.body.message.includes('Slow') ? 5_000 : 0),
    });
    // A reminder still pending when its session starts is cancelled, not sent: the interrupted
    // reminders must be sent again before then. The lead is that deadline for the recovery
    // (the second worker starting, WORKER_DEAD_AFTER, the gateway's five seconds), generous
    // enough for a busy machine.
    const LEAD = 20;
    const env = {
      DATABASE_URL: db.url,
      REMINDER_LEADS: `${LEAD} seconds`,
      REMINDER_CHANNEL: 'webhook',
      WEBHOOK_URL: gateway.url,
      WEBHOOK_SECRET: 'durability-secret-0123456789',
      END_GRACE: '1 second',
      WORKER_DEAD_AFTER: '3 seconds',
    };

    const student = await createUser(pool, 'student');
    const tutor = await createUser(pool, 'tutor');
    // The worker writes REMINDER_LEADS to the database as it starts: book after that.
    const first = runCli(t, ['worker'], env);
    await first.waitFor(/Worker connected/);
    const seconds = (n: number) => n / 60;
    // Reminders in 3 s (Quick), 5 s (Plain) and 8 s (Slow); each session starts LEAD seconds
    // later. Each booking is accepted as soon as it is made: a lead already past is skipped.
    const book = async (subject: string, reminderIn: number) => {
      const booking = await requestBooking(pool, student, tutor, {
        startsIn: seconds(reminderIn + LEAD),
        minutes: seconds(1),
        subject,
      });
      await acceptBooking(pool, tutor, booking.id);
      return booking;
    };
    const quick = await book('Quick', 3);
    const plain = await book('Plain', 5);
    const slow = await book('Slow', 8);

    // Quick's reminders are delivered and marked sent; Slow's are in flight when the worker dies.
    const sentBefore = await waitUntil('the quick reminders are sent', async () => {
      const { rows } = await pool.query(
        "select id, run_at from app_public.notifications where booking_id = $1 and state = 'sent'",
        [quick.id],
      );
      return rows.length === 2 ? rows : undefined;
    });
    await waitUntil('the slow reminders are being sent', async () =>
      gateway.calls.some((call) => call.body.message.includes('Slow')),
    );
    first.child.kill('SIGKILL');
    t.equal(await first.exited, 'SIGKILL');
    const locked = await pool.query(
      'select count(*)::int as n from graphile_worker.jobs where locked_at is not null',
    );
    t.ok(locked.rows[0].n > 0, `the dead worker left ${locked.rows[0].n} job(s) locked`);

    // A new worker comes up while deadlines keep passing.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const second = runCli(t, ['worker'], env);
    t.teardown(async () => {
      second.child.kill('SIGTERM');
      await second.exited;
    });

    for (const booking of [quick, plain, slow]) {
      await waitUntil(`${booking.subject} ends`, async () => {
        const { rows } = await pool.query('select state from app_public.bookings where id = $1', [
          booking.id,
        ]);
        return rows[0].state === 'ended';
      });
    }
    const { rows: reminders } = await pool.query(
      'select booking_id, state from app_public.notifications where booking_id = any($1)',
      [[quick.id, slow.id, plain.id]],
    );
    t.equal(reminders.length, 6);
    t.ok(
      reminders.every((r) => r.state === 'sent'),
      'every reminder was delivered, the interrupted ones too',
    );
    t.match(
      second.output(),
      /was silent for over 3 seconds; unlocked its \d+ job\(s\)/,
      'the dead worker’s jobs were freed',
    );

    const keys = gateway.calls.map((call) => call.headers['idempotency-key']);
    for (const row of sentBefore) {
      const key = `${row.id}:${row.run_at.toISOString()}`;
      t.equal(
        keys.filter((k) => k === key).length,
        1,
        'a reminder marked sent before the crash is not sent again',
      );
    }
    const slowKeys = new Set(
      gateway.calls
        .filter((call) => call.body.message.includes('Slow'))
        .map((c) => c.headers['idempotency-key']),
    );
    t.equal(
      slowKeys.size,
      2,
      'the interrupted reminders were resent with the same idempotency keys',
    );
  },
);
