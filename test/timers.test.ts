// A booking's jobs, seen where a DBA would look (graphile_worker.jobs): created, moved and
// removed in the same transaction as the booking. No worker runs here.
import fs from 'node:fs/promises';
import t from 'tap';
import { bookingSweep, bookingTimer } from '../src/bookings/transitions.ts';
import { crontabPath } from '../src/paths.ts';
import { crontabEntries } from '../src/worker/schedule.ts';
import { loadTaskDefinitions } from '../src/worker/worker.ts';
import { createTestPool } from '../support/database.ts';
import {
  acceptBooking,
  asUser,
  type Booking,
  createUser,
  importBooking,
  requestBooking,
} from '../support/factories.ts';

const { pool } = await createTestPool(t, 6);

interface JobRow {
  task_identifier: string;
  key: string;
  run_at: Date;
}

/**
 * jobsOf lists the pending jobs of a booking: the timers at any of its deadlines (each shared by
 * every booking due at the same instant), as app_private.booking_deadlines names them, and its
 * reminders' deliveries.
 */
async function jobsOf(bookingId: string): Promise<JobRow[]> {
  const { rows } = await pool.query<JobRow>(
    `select j.task_identifier, j.key, j.run_at from graphile_worker.jobs j
      where j.key in (
              select app_private.timer_key(d.timer_task, app_private.booking_time(b, d.deadline_column))
                from app_public.bookings b, app_private.booking_deadlines d
               where b.id = $1::uuid)
         or j.key in (select app_private.notification_job_key(n.id) from app_public.notifications n where n.booking_id = $1::uuid)
      order by j.run_at, j.key`,
    [bookingId],
  );
  return rows;
}

/** timerKey matches the key of a task's timer at an instant (microseconds beyond a Date's). */
const timerKey = (task: string, at: Date) =>
  new RegExp(`^timer:${task}:${at.toISOString().slice(0, -1)}\\d{3}Z$`);

const tasks = (jobs: JobRow[]) => jobs.map((j) => j.task_identifier).sort();

t.test('each state schedules the job for its next deadline; moving on removes it', async (t) => {
  const student = await createUser(pool, 'student');
  const tutor = await createUser(pool, 'tutor');

  // Requested: one job, to expire it.
  const booking = await requestBooking(pool, student, tutor, { startsIn: 48 * 60 });
  const requested = await jobsOf(booking.id);
  t.same(tasks(requested), ['expire_requests_timer']);
  t.match(requested[0]?.key, timerKey('expire_requests_timer', booking.expires_at));
  t.equal(
    requested[0]?.run_at.getTime(),
    booking.expires_at.getTime(),
    'due when the request expires',
  );

  // Scheduled: the expiry job is gone; a start job and four reminders (two leads, two people).
  await acceptBooking(pool, tutor, booking.id);
  const scheduled = await jobsOf(booking.id);
  t.same(tasks(scheduled), [
    'send_notification',
    'send_notification',
    'send_notification',
    'send_notification',
    'start_sessions_timer',
  ]);
  const start = scheduled.find((j) => j.task_identifier === 'start_sessions_timer');
  t.equal(
    start?.run_at.getTime(),
    booking.starts_at.getTime(),
    'the start job is due at starts_at',
  );
  const { rows: reminders } = await pool.query(
    `select recipient_id, extract(epoch from lead)::int as lead, run_at from app_public.notifications
      where booking_id = $1 order by lead, recipient_id`,
    [booking.id],
  );
  t.same(
    reminders.map((r) => [r.lead, r.run_at.getTime()]),
    [
      [900, booking.starts_at.getTime() - 900_000],
      [900, booking.starts_at.getTime() - 900_000],
      [86_400, booking.starts_at.getTime() - 86_400_000],
      [86_400, booking.starts_at.getTime() - 86_400_000],
    ],
    'one reminder per recipient and lead, lead before the start',
  );
  t.same(new Set(reminders.map((r) => r.recipient_id)), new Set([student.id, tutor.id]));

  // Rescheduled: every job moves with the session.
  const later = new Date(booking.starts_at.getTime() + 3 * 3_600_000);
  await asUser(
    pool,
    student,
    (c) =>
      c.query('select app_public.reschedule_booking($1, $2, $3)', [
        booking.id,
        later,
        new Date(later.getTime() + 3_600_000),
      ]),
    { commit: true },
  );
  const moved = await jobsOf(booking.id);
  t.equal(moved.length, 5);
  t.equal(
    moved.find((j) => j.task_identifier === 'start_sessions_timer')?.run_at.getTime(),
    later.getTime(),
  );
  t.same(
    moved
      .filter((j) => j.task_identifier === 'send_notification')
      .map((j) => j.run_at.getTime())
      .sort(),
    [
      later.getTime() - 86_400_000,
      later.getTime() - 86_400_000,
      later.getTime() - 900_000,
      later.getTime() - 900_000,
    ],
  );

  // Cancelled: nothing left, and the reminders say so.
  await asUser(pool, tutor, (c) => c.query('select app_public.cancel_booking($1)', [booking.id]), {
    commit: true,
  });
  t.same(await jobsOf(booking.id), [], 'cancel removes every pending job');
  const { rows: states } = await pool.query(
    'select distinct state from app_public.notifications where booking_id = $1',
    [booking.id],
  );
  t.same(states, [{ state: 'cancelled' }]);
});

t.test('a declined request leaves no job behind; a rolled-back one never had any', async (t) => {
  const student = await createUser(pool, 'student');
  const tutor = await createUser(pool, 'tutor');
  const declined = await requestBooking(pool, student, tutor);
  await asUser(
    pool,
    tutor,
    (c) => c.query('select app_public.decline_booking($1)', [declined.id]),
    { commit: true },
  );
  t.same(await jobsOf(declined.id), []);

  const before = Number(
    (await pool.query('select count(*) from graphile_worker.jobs')).rows[0].count,
  );
  await asUser(pool, student, (c) =>
    c.query(
      'select app_public.request_booking($1, now() + interval $$1 day$$, now() + interval $$25 hours$$, $2)',
      [tutor.id, 'rolled back'],
    ),
  );
  const after = Number(
    (await pool.query('select count(*) from graphile_worker.jobs')).rows[0].count,
  );
  t.equal(after, before, 'a rolled-back transaction leaves no job');
});

t.test('a reminder whose lead has already passed is skipped', async (t) => {
  const student = await createUser(pool, 'student');
  const tutor = await createUser(pool, 'tutor');
  const soon = await requestBooking(pool, student, tutor, { startsIn: 10 });
  await acceptBooking(pool, tutor, soon.id);
  t.same(
    tasks(await jobsOf(soon.id)),
    ['start_sessions_timer'],
    'starts in 10 minutes: both leads (24 h, 15 min) are past',
  );

  const inTwoHours = await requestBooking(pool, student, tutor, { startsIn: 120 });
  await acceptBooking(pool, tutor, inTwoHours.id);
  t.same(
    tasks(await jobsOf(inTwoHours.id)),
    ['send_notification', 'send_notification', 'start_sessions_timer'],
    'only the 15-minute one',
  );
});

t.test('a started session gets its end job at ends_at + END_GRACE', async (t) => {
  const student = await createUser(pool, 'student');
  const tutor = await createUser(pool, 'tutor');
  const started = await importBooking(pool, student, tutor, {
    state: 'scheduled',
    startsAt: new Date(Date.now() - 60_000),
    endsAt: new Date(Date.now() + 3_600_000),
  });
  const { rows } = await pool.query(
    "select app_private.fire_booking_timer($1, 'active', 'start_sessions_timer') as outcome",
    [started.id],
  );
  t.equal(rows[0].outcome, 'moved');
  const jobs = await jobsOf(started.id);
  const end = jobs.find((j) => j.task_identifier === 'end_sessions_timer');
  t.equal(end?.run_at.getTime(), started.ends_at.getTime() + 600_000);
  t.ok(
    jobs.every((j) => j.task_identifier === 'end_sessions_timer' || j.run_at <= new Date()),
    'besides the end timer, only the start timer that already fell due (it will find nothing)',
  );

  const again = await pool.query(
    "select app_private.fire_booking_timer($1, 'active', 'start_sessions_timer') as outcome",
    [started.id],
  );
  t.equal(
    again.rows[0].outcome,
    'moved on',
    'a repeated job finds the booking moved on and does nothing',
  );
  const early = await pool.query(
    "select app_private.fire_booking_timer($1, 'ended', 'end_sessions_timer') as outcome",
    [started.id],
  );
  t.equal(
    early.rows[0].outcome,
    'not due',
    'a job that fires before its deadline (moved later) waits for its successor',
  );
});

t.test(
  'bookings due at one instant share one timer, which lives until the last leaves',
  async (t) => {
    const student = await createUser(pool, 'student');
    const at = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 86_400_000);
    const later = new Date(at.getTime() + 3_600_000);
    const sessions = [];
    for (let i = 0; i < 3; i++) {
      sessions.push(
        await importBooking(pool, student, await createUser(pool, 'tutor'), {
          state: 'scheduled',
          startsAt: at,
          endsAt: new Date(at.getTime() + 1_800_000),
        }),
      );
    }
    const [a, b, c] = sessions as [Booking, Booking, Booking];
    const timers = async (when: Date) => {
      const { rows } = await pool.query(
        'select key, payload, run_at from graphile_worker._private_jobs where key = $1',
        [`timer:start_sessions_timer:${when.toISOString().slice(0, -1)}000Z`],
      );
      return rows;
    };
    t.match(await timers(at), [{ payload: { at: `${at.toISOString().slice(0, -1)}000Z` } }]);
    t.equal((await timers(at))[0].run_at.getTime(), at.getTime(), 'due at the instant');

    // One is rescheduled: it gets the timer of its new instant; the old one still waits for the others.
    await asUser(
      pool,
      student,
      (client) =>
        client.query('select app_public.reschedule_booking($1, $2, $3)', [
          a.id,
          later,
          new Date(later.getTime() + 1_800_000),
        ]),
      { commit: true },
    );
    t.equal((await timers(later)).length, 1, 'a timer at the new instant');
    t.equal((await timers(at)).length, 1, 'the shared timer stays for the others');

    // Cancelling one of the two left keeps the timer; cancelling the last removes it.
    await asUser(
      pool,
      student,
      (client) => client.query('select app_public.cancel_booking($1)', [b.id]),
      {
        commit: true,
      },
    );
    t.equal((await timers(at)).length, 1);
    await asUser(
      pool,
      student,
      (client) => client.query('select app_public.cancel_booking($1)', [c.id]),
      {
        commit: true,
      },
    );
    t.same(await timers(at), [], 'no booking waits for it: gone');
    t.equal((await timers(later)).length, 1, 'the rescheduled one keeps its own');
  },
);

t.test(
  'a statement that changes many bookings makes their job changes at once, the same as one by one',
  async (t) => {
    const student = await createUser(pool, 'student');
    const at = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 2 * 86_400_000);
    const tutors = [];
    for (let i = 0; i < 20; i++) tutors.push((await createUser(pool, 'tutor')).id);
    // Twenty requests in one insert, accepted in one update: one start timer, 80 reminders.
    const { rows } = await pool.query<{ id: string }>(
      `insert into app_public.bookings (student_id, tutor_id, subject, starts_at, ends_at)
     select $1, t, 'Bulk', $2, $3 from unnest($4::uuid[]) t returning id`,
      [student.id, at, new Date(at.getTime() + 1_800_000), tutors],
    );
    const ids = rows.map((r) => r.id);
    await pool.query("update app_public.bookings set state = 'scheduled' where id = any($1)", [
      ids,
    ]);
    const jobs = await pool.query(
      `select task_identifier, count(*)::int as n from graphile_worker.jobs
      where key = $1 or key in (select app_private.notification_job_key(id) from app_public.notifications where booking_id = any($2))
      group by 1 order by 1`,
      [`timer:start_sessions_timer:${at.toISOString().slice(0, -1)}000Z`, ids],
    );
    t.same(jobs.rows, [
      { task_identifier: 'send_notification', n: 80 },
      { task_identifier: 'start_sessions_timer', n: 1 },
    ]);
    const expiry = await pool.query(
      `select count(*)::int as n from graphile_worker.jobs j join app_public.bookings b
        on j.key = app_private.timer_key('expire_requests_timer', b.expires_at) where b.id = any($1)`,
      [ids],
    );
    t.equal(expiry.rows[0].n, 0, 'accepting removed the expiry timers');
    // Cancelled in one statement: every reminder cancelled with its job, the timer gone.
    await pool.query("update app_public.bookings set state = 'cancelled' where id = any($1)", [
      ids,
    ]);
    const left = await pool.query(
      `select count(*)::int as n from graphile_worker.jobs
      where key = $1 or key in (select app_private.notification_job_key(id) from app_public.notifications where booking_id = any($2))`,
      [`timer:start_sessions_timer:${at.toISOString().slice(0, -1)}000Z`, ids],
    );
    t.equal(left.rows[0].n, 0);
    const states = await pool.query(
      'select distinct state from app_public.notifications where booking_id = any($1)',
      [ids],
    );
    t.same(states.rows, [{ state: 'cancelled' }]);
  },
);

t.test(
  'each booking deadline has its timer and sweep tasks, its crontab line and its sweep index',
  async (t) => {
    const definitions = await loadTaskDefinitions();
    const crontab = crontabEntries(await fs.readFile(crontabPath, 'utf8'));
    const { rows } = await pool.query<{ timer_task: string; sweep_task: string; indexed: boolean }>(
      `select d.timer_task, d.sweep_task,
            exists (select 1 from pg_indexes i
                     where i.schemaname = 'app_public' and i.tablename = 'bookings'
                       and i.indexdef like format('%%USING btree (%s) WHERE (state = %L::app_public.booking_state)',
                                                  d.deadline_column, d.from_state)) as indexed
       from app_private.booking_deadlines d order by d.from_state`,
    );
    t.ok(rows.length > 0);
    for (const row of rows) {
      t.equal(
        definitions.get(row.timer_task),
        bookingTimer,
        `tasks/${row.timer_task}.ts is the timer`,
      );
      t.equal(
        definitions.get(row.sweep_task),
        bookingSweep,
        `tasks/${row.sweep_task}.ts is the sweep`,
      );
      t.ok(
        crontab.some((e) => e.task === row.sweep_task && e.jobKey === `sweep:${row.sweep_task}`),
        `the crontab runs ${row.sweep_task}`,
      );
      t.ok(row.indexed, `${row.sweep_task} has a partial index on its deadline`);
    }
    const sweeps = await pool.query<{ tasks: string[] }>(
      'select app_private.sweep_tasks() as tasks',
    );
    t.same(
      [...(sweeps.rows[0]?.tasks ?? [])].sort(),
      crontab
        .filter((e) => e.jobKey === `sweep:${e.task}`)
        .map((e) => e.task)
        .sort(),
      'app_private.sweep_tasks() lists the sweeps the crontab runs',
    );
  },
);
