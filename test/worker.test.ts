// The real worker process: exact-time transitions, the sweeps, and poisoned payloads.
import t from 'tap';
import { createTestPool } from '../support/database.ts';
import {
  acceptBooking,
  asUser,
  createUser,
  events,
  importBooking,
  inTransaction,
  requestBooking,
  type User,
} from '../support/factories.ts';
import { finished, runCli } from '../support/processes.ts';
import { waitUntil } from '../support/waiting.ts';

const { pool, ...db } = await createTestPool(t, 10);

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
  t.equal(expired.actor, 'job:expire_requests_timer');
  const expiredLate = expired.at.getTime() - unanswered.expires_at.getTime();
  t.ok(
    expiredLate >= 0 && expiredLate < 3_000,
    `expired at its deadline (${expiredLate} ms after), not at a poll`,
  );

  const started = await waitUntil('the session starts', () => movedAt(session.id, 'active'));
  t.equal(started.actor, 'job:start_sessions_timer');
  const startedLate = started.at.getTime() - session.starts_at.getTime();
  t.ok(startedLate >= 0 && startedLate < 3_000, `started at starts_at (${startedLate} ms after)`);

  const ended = await waitUntil('the session ends', () => movedAt(session.id, 'ended'));
  t.equal(ended.actor, 'job:end_sessions_timer');
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
          join app_public.bookings b on j.key in (
            app_private.timer_key('expire_requests_timer', b.expires_at),
            app_private.timer_key('start_sessions_timer', b.starts_at),
            app_private.timer_key('end_sessions_timer', b.ends_at))
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
    `select count(*)::int as n from graphile_worker.jobs j join app_public.bookings b
        on j.key in (app_private.timer_key('expire_requests_timer', b.expires_at),
          app_private.timer_key('start_sessions_timer', b.starts_at), app_private.timer_key('end_sessions_timer', b.ends_at))
      where b.id = any($1)`,
    [all],
  );
  t.equal(rows[0].n, 0, 'no timers left');

  // Run each sweep now, as the crontab would on its next tick.
  await pool.query(
    "select graphile_worker.add_job(task) from unnest(array['start_sessions_sweep', 'end_sessions_sweep', 'expire_requests_sweep']) task",
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
          actor: `sweep:${{ active: 'start_sessions_sweep', ended: 'end_sessions_sweep', expired: 'expire_requests_sweep' }[state]}`,
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
    await pool.query("select graphile_worker.add_job('start_sessions_sweep')");
    await waitUntil('the free booking starts', async () => (await stateOf(free.id)) === 'active');
    t.equal(await stateOf(held.id), 'scheduled', 'the held one was skipped');
    // The job is completed after its transaction commits (in a batch): wait for that, while the
    // lock is still held. A sweep that waited for the lock would never get there.
    await waitUntil('the sweep job completes while the lock is held', async () => {
      const { rows } = await pool.query(
        "select count(*)::int as n from graphile_worker.jobs where task_identifier = 'start_sessions_sweep'",
      );
      return rows[0].n === 0;
    });
    t.equal(
      await stateOf(held.id),
      'scheduled',
      'and the sweep finished without waiting for the lock',
    );
  } finally {
    await locker.query('rollback');
    locker.release();
  }
  await pool.query("select graphile_worker.add_job('start_sessions_sweep')");
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
  await pool.query("select graphile_worker.add_job('start_sessions_sweep')");
  const direct = await Promise.allSettled([
    ...bookings.map((b) =>
      pool.query("select app_private.fire_booking_timer($1, 'active', 'test')", [b.id]),
    ),
    pool.query("select app_private.sweep_bookings('start_sessions_sweep', 7)"),
    pool.query("select app_private.sweep_bookings('start_sessions_sweep', 7)"),
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
    `select (graphile_worker.add_job('start_sessions_timer', '{"at": "not-a-time"}', job_key := 'poison:1')).id as poisoned,
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
  t.match(failed[0].last_error, /invalid start_sessions_timer payload \(at: Invalid/);
  t.match(failed[1].last_error, /invalid send_notification payload \(notificationId: .*\)/);
  await waitUntil(
    'the healthy booking still starts',
    async () => (await stateOf(healthy.id)) === 'active',
  );
  t.match(await events(pool, healthy.id), [
    {},
    {},
    { to_state: 'active', actor: 'job:start_sessions_timer' },
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
    (
      await pool.query(
        'select outcome, duration_ms is not null as reported from app_private.job_history where job_id = $1',
        [id],
      )
    ).rows;

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
  // Its row is written when it completes; the worker's report of it (how long it ran) follows.
  const recorded = await waitUntil('the worker reported the busy tick', async () => {
    const outcomes = await historyOf(busy);
    return outcomes.some(({ reported }) => reported) ? outcomes : undefined;
  });
  t.same(recorded, [{ outcome: 'success', reported: true }]);
  await waitUntil('the requeued reminder is sent', async () => {
    const { rows: sent } = await pool.query(
      "select 1 from app_public.notifications where id = $1 and state = 'sent'",
      [rows[0].id],
    );
    return sent.length === 1;
  });
  // The worker reports runs in the order they finish: the idle tick's row is removed by now.
  t.same(await historyOf(idle), [], 'the idle tick left no row');
});

t.test(
  'a burst: 300 sessions due at one instant each start and end once, on time, while sweeps race the timer',
  async (t) => {
    const student = await createUser(pool, 'student');
    const { rows: tutors } = await pool.query<{ id: string }>(
      `insert into app_public.users (name, email, role)
     select 'Burst tutor ' || i, 'burst-' || i || '-' || gen_random_uuid() || '@example.test', 'tutor'
       from generate_series(1, 300) i returning id`,
    );
    const { rows: now } = await pool.query<{ at: Date }>('select now() as at');
    const startsAt = new Date((now[0] as { at: Date }).at.getTime() + 8_000);
    const endsAt = new Date(startsAt.getTime() + 4_000);
    // One statement, like a bulk import: one start timer for all 300.
    const { rows } = await pool.query<{ id: string }>(
      `insert into app_public.bookings (student_id, tutor_id, subject, state, starts_at, ends_at, expires_at)
     select $1, t, 'Burst', 'scheduled', $2, $3, $2 from unnest($4::uuid[]) t returning id`,
      [student.id, startsAt, endsAt, tutors.map((r) => r.id)],
    );
    const ids = rows.map((r) => r.id);
    const cancelled = ids.slice(0, 10);
    const rescheduled = ids.slice(10, 20);
    const movedLater = new Date(startsAt.getTime() + 2_000);
    for (const id of cancelled) {
      await asUser(pool, student, (c) => c.query('select app_public.cancel_booking($1)', [id]), {
        commit: true,
      });
    }
    for (const id of rescheduled) {
      await asUser(
        pool,
        student,
        (c) =>
          c.query('select app_public.reschedule_booking($1, $2, $3)', [id, movedLater, endsAt]),
        { commit: true },
      );
    }
    const { rows: timers } = await pool.query(
      "select count(*)::int as n from graphile_worker.jobs where key = app_private.timer_key('start_sessions_timer', $1)",
      [startsAt],
    );
    t.equal(timers[0].n, 1, 'one start timer for the burst');

    // At the instant, sweeps race the timer for the same bookings.
    await waitUntil('the instant', async () => {
      const { rows } = await pool.query('select now() >= $1 as due', [startsAt]);
      return rows[0].due === true;
    });
    const raced = await Promise.allSettled(
      Array.from({ length: 4 }, () =>
        pool.query("select app_private.sweep_bookings('start_sessions_sweep', 25)"),
      ),
    );
    t.same(
      raced.filter((r) => r.status === 'rejected'),
      [],
      'no deadlock, no error',
    );

    const going = ids.slice(10);
    await waitUntil('every session ends', async () => {
      const { rows } = await pool.query(
        "select count(*)::int as n from app_public.bookings where id = any($1) and state = 'ended'",
        [going],
      );
      return rows[0].n === going.length;
    });
    const { rows: moves } = await pool.query(
      `select e.booking_id, e.to_state, e.actor, e.created_at, b.starts_at, b.ends_at
       from app_public.booking_events e join app_public.bookings b on b.id = e.booking_id
      where e.booking_id = any($1) and e.to_state in ('active', 'ended')`,
      [ids],
    );
    const starts = moves.filter((m) => m.to_state === 'active');
    const ends = moves.filter((m) => m.to_state === 'ended');
    t.equal(starts.length, going.length, 'each session started exactly once');
    t.equal(new Set(starts.map((m) => m.booking_id)).size, going.length);
    t.equal(ends.length, going.length, 'and ended exactly once');
    t.equal(new Set(ends.map((m) => m.booking_id)).size, going.length);
    t.ok(
      starts.every((m) =>
        ['job:start_sessions_timer', 'sweep:start_sessions_sweep'].includes(m.actor),
      ),
      'started by the timer or the racing sweeps',
    );
    t.ok(
      starts.some((m) => m.actor === 'job:start_sessions_timer'),
      'the timer moved the bookings the sweeps had not',
    );
    t.ok(
      ends.every((m) => m.actor === 'job:end_sessions_timer'),
      'ended by the end timer, audited as it',
    );
    t.ok(
      starts.every((m) => m.created_at >= m.starts_at),
      'none started before its starts_at',
    );
    t.ok(
      ends.every((m) => m.created_at.getTime() >= m.ends_at.getTime() + 1_000),
      'none ended before ends_at + END_GRACE',
    );
    t.ok(
      starts
        .filter((m) => rescheduled.includes(m.booking_id))
        .every((m) => m.starts_at.getTime() === movedLater.getTime() && m.created_at >= movedLater),
      'the rescheduled ones started at their new time, not with the burst',
    );
    const { rows: still } = await pool.query(
      'select distinct state from app_public.bookings where id = any($1)',
      [cancelled],
    );
    t.same(still, [{ state: 'cancelled' }], 'the cancelled ones never started');
  },
);

t.test('worker --once runs every due job once and exits, 0 only when all succeeded', async (t) => {
  // A database of its own: the worker above must not take these jobs first.
  const { pool: ownPool, ...own } = await createTestPool(t, 2);
  const jobs = async () =>
    (
      await ownPool.query(
        "select key, attempts, last_error from graphile_worker.jobs where key like 'once:%' order by key",
      )
    ).rows as Array<{ key: string; attempts: number; last_error: string | null }>;

  // Two due jobs that succeed, and one for tomorrow.
  await ownPool.query(
    `select graphile_worker.add_job('prune_job_history', '{}', job_key := 'once:due1'),
            graphile_worker.add_job('prune_job_history', '{}', job_key := 'once:due2'),
            graphile_worker.add_job('prune_job_history', '{}', job_key := 'once:later',
                                    run_at := now() + interval '1 day')`,
  );
  const ok = runCli(t, ['worker', '--once'], { DATABASE_URL: own.url });
  t.equal(await finished(ok), 0, ok.output());
  t.match(ok.output(), /"succeeded":2,"failed":0/);
  t.same(
    (await jobs()).map((job) => job.key),
    ['once:later'],
    'the due jobs ran and are gone; the future one waits',
  );

  // A due job that fails makes the run fail, on one line that says how many.
  await ownPool.query(
    `select graphile_worker.add_job('start_sessions_timer', '{"at": "not-a-time"}', job_key := 'once:poisoned')`,
  );
  const bad = runCli(t, ['worker', '--once'], { DATABASE_URL: own.url, LOG_FORMAT: 'pretty' });
  t.equal(await finished(bad), 1);
  t.equal(
    bad.stderr(),
    'schoolbell worker: 1 of 1 due jobs failed (see graphile_worker.jobs and app_private.job_history)\n',
  );
  const poisoned = (await jobs()).find((job) => job.key === 'once:poisoned');
  t.equal(poisoned?.attempts, 1, 'it ran once');
  t.match(poisoned?.last_error, /invalid start_sessions_timer payload/);
});
