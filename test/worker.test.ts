// The real worker process: exact-time transitions, the sweeps, and poisoned payloads.
import t from 'tap';
import { createPool } from '../src/db.ts';
import { createLogger } from '../src/log.ts';
import { createTestDatabase } from './helpers/database.ts';
import {
  acceptBooking,
  createUser,
  events,
  importBooking,
  inTransaction,
  requestBooking,
  type User,
} from './helpers/factories.ts';
import { runCli } from './helpers/process.ts';
import { waitUntil } from './helpers/receivers.ts';

const log = createLogger({ logLevel: 'silent', logFormat: 'json' });
const db = await createTestDatabase(t);
const pool = createPool(db.url, 10, log, 'test');
t.teardown(() => pool.end());

// The worker polls only once a minute here: a job that runs on time was woken at its run_at.
const worker = runCli(t, ['worker'], {
  DATABASE_URL: db.url,
  REQUEST_TTL: '2 seconds',
  END_GRACE: '1 second',
  REMINDER_LEADS: '1 week',
  WORKER_POLL_INTERVAL: '1 minute',
  SWEEP_BATCH_SIZE: '50',
  WORKER_CONCURRENCY: '4',
});
await worker.waitFor(/Worker connected and looking for jobs/);
t.teardown(async () => {
  worker.child.kill('SIGTERM');
  await worker.exited;
});

const stateOf = async (id: string) =>
  (await pool.query('select state from app_public.bookings where id = $1', [id])).rows[0]
    ?.state as string;

/** movedAt is when the booking's audit trail says it entered `state`, and who moved it. */
async function movedAt(
  id: string,
  state: string,
): Promise<{ at: Date; actor: string } | undefined> {
  const { rows } = await pool.query(
    'select created_at as at, actor from app_public.booking_events where booking_id = $1 and to_state = $2',
    [id, state],
  );
  return rows[0];
}

t.test('each time-driven transition fires from its own job, at its due time', async (t) => {
  const student = await createUser(pool, 'student');
  const tutor = await createUser(pool, 'tutor');

  const unanswered = await requestBooking(pool, student, tutor, { startsIn: 60 });
  const session = await requestBooking(pool, student, tutor, {
    startsIn: 4 / 60,
    minutes: 2 / 60,
    subject: 'Short',
  });
  await acceptBooking(pool, tutor, session.id);

  const expired = await waitUntil('the request expires', () => movedAt(unanswered.id, 'expired'));
  t.equal(expired.actor, 'job:expire_booking');
  const expiredLate = expired.at.getTime() - unanswered.expires_at.getTime();
  t.ok(
    expiredLate >= 0 && expiredLate < 3_000,
    `expired at its deadline (${expiredLate} ms after), not at a poll`,
  );

  const started = await waitUntil('the session starts', () => movedAt(session.id, 'active'));
  t.equal(started.actor, 'job:start_booking');
  const startedLate = started.at.getTime() - session.starts_at.getTime();
  t.ok(startedLate >= 0 && startedLate < 3_000, `started at starts_at (${startedLate} ms after)`);

  const ended = await waitUntil('the session ends', () => movedAt(session.id, 'ended'));
  t.equal(ended.actor, 'job:end_booking');
  const endedLate = ended.at.getTime() - (session.ends_at.getTime() + 1_000);
  t.ok(endedLate >= 0 && endedLate < 3_000, `ended at ends_at + END_GRACE (${endedLate} ms after)`);
});

/**
 * withoutTimers runs fn in one transaction and then removes every booking timer it created, so
 * the worker never sees them: bookings whose jobs were lost (a restored backup, say).
 */
async function withoutTimers<T>(fn: (client: import('pg').PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(
    pool,
    async (client) => {
      const result = await fn(client);
      await client.query(
        `select graphile_worker.remove_job(j.key) from graphile_worker.jobs j
          join app_public.bookings b on j.key like 'booking:' || b.id || ':%'
         where b.created_at = now()`,
      );
      return result;
    },
    { commit: true },
  );
}

t.test('the sweeps converge a backlog whose timers were lost', async (t) => {
  const student = await createUser(pool, 'student');
  const past = (minutes: number) => new Date(Date.now() - minutes * 60_000);
  const ids: Record<string, string[]> = { active: [], ended: [], expired: [] };
  await withoutTimers(async (pool) => {
    for (let i = 0; i < 120; i++) {
      // A tutor each, so that the sessions may overlap in time.
      const tutor: User = await createUser(pool, 'tutor');
      ids.active?.push(
        (
          await importBooking(pool, student, tutor, {
            state: 'scheduled',
            startsAt: past(30),
            endsAt: new Date(Date.now() + 3_600_000),
          })
        ).id,
      );
      ids.ended?.push(
        (
          await importBooking(pool, student, tutor, {
            state: 'active',
            startsAt: past(120),
            endsAt: past(60),
          })
        ).id,
      );
      ids.expired?.push(
        (
          await importBooking(pool, student, tutor, {
            state: 'requested',
            startsAt: new Date(Date.now() + 3_600_000),
            endsAt: new Date(Date.now() + 7_200_000),
            expiresAt: past(5),
          })
        ).id,
      );
    }
  });
  const all = Object.values(ids).flat();
  const { rows } = await pool.query(
    "select count(*)::int as n from graphile_worker.jobs where key like 'booking:%' and split_part(key, ':', 2)::uuid = any($1)",
    [all],
  );
  t.equal(rows[0].n, 0, 'no timers left');

  // Run each sweep now, as the crontab would on its next tick.
  await pool.query(
    "select graphile_worker.add_job(task) from unnest(array['start_sessions', 'end_sessions', 'expire_requests']) task",
  );
  for (const [state, list] of Object.entries(ids)) {
    await waitUntil(`the ${state} backlog converges`, async () => {
      const { rows } = await pool.query(
        'select count(*)::int as n from app_public.bookings where id = any($1) and state = $2',
        [list, state],
      );
      return rows[0].n === list.length;
    });
    const actors = await pool.query(
      'select distinct actor from app_public.booking_events where booking_id = any($1) and to_state = $2',
      [list, state],
    );
    t.same(
      actors.rows,
      [
        {
          actor: `sweep:${{ active: 'start_sessions', ended: 'end_sessions', expired: 'expire_requests' }[state]}`,
        },
      ],
      `${list.length} moved to ${state} by the sweep`,
    );
  }
});

t.test('a sweep skips rows another transaction holds, instead of waiting', async (t) => {
  const student = await createUser(pool, 'student');
  const overdue = {
    state: 'scheduled' as const,
    startsAt: new Date(Date.now() - 60_000),
    endsAt: new Date(Date.now() + 3_600_000),
  };
  const [held, free] = await withoutTimers(async (client) => [
    await importBooking(client, student, await createUser(client, 'tutor'), overdue),
    await importBooking(client, student, await createUser(client, 'tutor'), overdue),
  ]);
  if (!held || !free) throw new Error('import failed');

  const locker = await pool.connect();
  try {
    await locker.query('begin');
    await locker.query('select 1 from app_public.bookings where id = $1 for update', [held.id]);
    await pool.query("select graphile_worker.add_job('start_sessions')");
    await waitUntil('the free booking starts', async () => (await stateOf(free.id)) === 'active');
    t.equal(await stateOf(held.id), 'scheduled', 'the held one was skipped');
    const { rows } = await pool.query(
      "select count(*)::int as n from graphile_worker.jobs where task_identifier = 'start_sessions'",
    );
    t.equal(rows[0].n, 0, 'and the sweep finished without waiting for the lock');
  } finally {
    await locker.query('rollback');
    locker.release();
  }
  await pool.query("select graphile_worker.add_job('start_sessions')");
  await waitUntil('the released booking starts', async () => (await stateOf(held.id)) === 'active');
  t.pass('the next sweep moved it');
});

t.test('a sweep and exact-time jobs racing never move a booking twice, nor deadlock', async (t) => {
  const student = await createUser(pool, 'student');
  const bookings = [];
  for (let i = 0; i < 40; i++) {
    bookings.push(
      await importBooking(pool, student, await createUser(pool, 'tutor'), {
        state: 'scheduled',
        startsAt: new Date(Date.now() - 1_000),
        endsAt: new Date(Date.now() + 3_600_000),
      }),
    );
  }
  // The start jobs (due now) race the worker's sweep and our own direct calls.
  await pool.query("select graphile_worker.add_job('start_sessions')");
  const direct = await Promise.allSettled([
    ...bookings.map((b) =>
      pool.query("select app_private.fire_booking_timer($1, 'active', 'job:test')", [b.id]),
    ),
    pool.query("select app_private.sweep_bookings('active', 7, 'sweep:test')"),
    pool.query("select app_private.sweep_bookings('active', 7, 'sweep:test')"),
  ]);
  t.same(
    direct.filter((r) => r.status === 'rejected'),
    [],
    'no deadlock, no error',
  );
  for (const booking of bookings) {
    await waitUntil('the booking starts', async () => (await stateOf(booking.id)) === 'active');
  }
  const { rows } = await pool.query(
    "select booking_id, count(*)::int as n from app_public.booking_events where booking_id = any($1) and to_state = 'active' group by 1",
    [bookings.map((b) => b.id)],
  );
  t.equal(rows.length, bookings.length);
  t.ok(
    rows.every((r) => r.n === 1),
    'each booking was moved exactly once',
  );
});

t.test('a poisoned payload fails permanently at once while the queue keeps flowing', async (t) => {
  const student = await createUser(pool, 'student');
  const tutor = await createUser(pool, 'tutor');
  const { rows } = await pool.query(
    `select (graphile_worker.add_job('start_booking', '{"bookingId": "not-a-uuid"}', job_key := 'poison:1')).id as poisoned,
            (graphile_worker.add_job('send_notification', '{"id": 42}', job_key := 'poison:2')).id as other`,
  );
  const healthy = await requestBooking(pool, student, tutor, { startsIn: 3 / 60, minutes: 1 });
  await acceptBooking(pool, tutor, healthy.id);

  const failed = await waitUntil('the poisoned jobs fail', async () => {
    const { rows: jobs } = await pool.query(
      'select key, attempts, max_attempts, last_error from graphile_worker.jobs where id = any($1) and last_error is not null order by key',
      [[rows[0].poisoned, rows[0].other]],
    );
    return jobs.length === 2 ? jobs : undefined;
  });
  for (const job of failed)
    t.equal(job.attempts, job.max_attempts, `${job.key}: no retries left after one attempt`);
  t.match(failed[0].last_error, /invalid start_booking payload \(bookingId: Invalid UUID/);
  t.match(failed[1].last_error, /invalid send_notification payload \(notificationId: .*\)/);
  await waitUntil(
    'the healthy booking still starts',
    async () => (await stateOf(healthy.id)) === 'active',
  );
  t.match(await events(pool, healthy.id), [
    {},
    {},
    { to_state: 'active', actor: 'job:start_booking' },
  ]);
});

t.test('a crontab tick that finds nothing leaves no history; one that acts does', async (t) => {
  const tick = () =>
    pool
      .query(
        `select (graphile_worker.add_job('requeue_notifications',
           json_build_object('_cron', json_build_object('ts', now()::text)))).id as id`,
      )
      .then(({ rows }) => rows[0].id as string);
  const gone = (id: string) => async () =>
    (await pool.query('select 1 from graphile_worker.jobs where id = $1', [id])).rowCount === 0;
  const historyOf = async (id: string) =>
    (await pool.query('select outcome from app_private.job_history where job_id = $1', [id])).rows;

  // Nothing is due: the tick runs and is done with.
  const idle = await tick();
  await waitUntil('the idle tick ran', gone(idle));

  // A due reminder whose job was lost: the next tick requeues it, and that tick is recorded.
  const student = await createUser(pool, 'student');
  const { rows } = await pool.query(
    `insert into app_public.notifications (recipient_id, channel, message, run_at)
     values ($1, 'log', 'Your lesson moved', now()) returning id`,
    [student.id],
  );
  const busy = await tick();
  const recorded = await waitUntil('the busy tick is in the history', async () => {
    const outcomes = await historyOf(busy);
    return outcomes.length > 0 ? outcomes : undefined;
  });
  t.same(recorded, [{ outcome: 'success' }]);
  await waitUntil('the requeued reminder is sent', async () => {
    const { rows: sent } = await pool.query(
      "select 1 from app_public.notifications where id = $1 and state = 'sent'",
      [rows[0].id],
    );
    return sent.length === 1;
  });
  // History is written in the order jobs finish: the idle tick's row would be there by now.
  t.same(await historyOf(idle), [], 'the idle tick left no row');
});
