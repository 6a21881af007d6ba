// Nothing is lost when a worker dies: kill -9 in the middle of a delivery, start another, and
// every due transition and reminder happens; what was already sent is not sent again.
import t from 'tap';
import { createTestPool } from '../support/database.ts';
import { acceptBooking, createUser, requestBooking } from '../support/factories.ts';
import { runCli, terminate } from '../support/processes.ts';
import { startWebhookReceiver } from '../support/receivers.ts';
import { waitUntil } from '../support/waiting.ts';

t.test(
  'kill -9 a worker with reminders and transitions pending, start another: nothing is lost',
  async (t) => {
    const { pool, ...db } = await createTestPool(t, 4);
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
    t.teardown(() => terminate(second));

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

t.test(
  'kill -9 a worker in the middle of a burst, start another: every session starts exactly once',
  async (t) => {
    const { pool, ...db } = await createTestPool(t, 4);
    const env = {
      DATABASE_URL: db.url,
      SWEEP_BATCH_SIZE: '50',
      WORKER_DEAD_AFTER: '3 seconds',
    };
    const first = runCli(t, ['worker'], env);
    await first.waitFor(/Worker connected/);

    const student = await createUser(pool, 'student');
    const { rows: tutors } = await pool.query<{ id: string }>(
      `insert into app_public.users (name, email, role)
       select 'Tutor ' || i, 'burst-' || i || '@example.test', 'tutor' from generate_series(1, 300) i
       returning id`,
    );
    const { rows: bookings } = await pool.query<{ id: string; timer: string }>(
      `insert into app_public.bookings (student_id, tutor_id, subject, state, starts_at, ends_at, expires_at)
       select $1, t, 'Burst', 'scheduled', now() + interval '4 seconds', now() + interval '1 hour', now() + interval '4 seconds'
         from unnest($2::uuid[]) t returning id, app_private.timer_key('start_sessions_timer', starts_at) as timer`,
      [student.id, tutors.map((r) => r.id)],
    );
    const ids = bookings.map((b) => b.id);
    const timer = (bookings[0] as { timer: string }).timer;
    const activeCount = async () =>
      (
        await pool.query(
          "select count(*)::int as n from app_public.bookings where id = any($1) and state = 'active'",
          [ids],
        )
      ).rows[0].n as number;

    // Hold one booking of the burst: the timer moves the others, then waits for this one.
    const locker = await pool.connect();
    try {
      await locker.query('begin');
      await locker.query('select 1 from app_public.bookings where id = $1 for update', [ids[0]]);
      await waitUntil(
        'the timer moved all but the held one',
        async () => (await activeCount()) === 299,
      );
      await waitUntil('the timer waits for the held one', async () => {
        const { rows } = await pool.query(
          'select 1 from graphile_worker.jobs where key = $1 and locked_at is not null',
          [timer],
        );
        return rows.length === 1;
      });
      first.child.kill('SIGKILL');
      t.equal(await first.exited, 'SIGKILL');
      t.equal(await activeCount(), 299, 'killed in the middle of the burst');
    } finally {
      await locker.query('rollback');
      locker.release();
    }

    const second = runCli(t, ['worker'], env);
    t.teardown(() => terminate(second));
    await waitUntil('every session started', async () => (await activeCount()) === 300);
    await waitUntil('the dead worker’s timer was run again and finished', async () => {
      const { rows } = await pool.query('select 1 from graphile_worker.jobs where key = $1', [
        timer,
      ]);
      return rows.length === 0;
    });
    const { rows: moves } = await pool.query(
      `select e.booking_id, e.actor, e.created_at >= b.starts_at as on_time
         from app_public.booking_events e join app_public.bookings b on b.id = e.booking_id
        where e.booking_id = any($1) and e.to_state = 'active'`,
      [ids],
    );
    t.equal(moves.length, 300, 'one start per session');
    t.equal(new Set(moves.map((m) => m.booking_id)).size, 300, 'each session started exactly once');
    t.ok(
      moves.every((m) =>
        ['job:start_sessions_timer', 'sweep:start_sessions_sweep'].includes(m.actor),
      ),
      'by the timer (or the crontab sweep)',
    );
    t.ok(
      moves.every((m) => m.on_time),
      'none before its start',
    );
  },
);
