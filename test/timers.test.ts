// A booking's jobs, seen where a DBA would look (graphile_worker.jobs): created, moved and
// removed in the same transaction as the booking. No worker runs here.
import t from 'tap';
import { createPool } from '../src/db.ts';
import { createLogger } from '../src/log.ts';
import { createTestDatabase } from './helpers/database.ts';
import {
  acceptBooking,
  asUser,
  createUser,
  importBooking,
  requestBooking,
} from './helpers/factories.ts';

const log = createLogger({ logLevel: 'silent', logFormat: 'json' });
const db = await createTestDatabase(t);
const pool = createPool(db.url, 6, log, 'test');
t.teardown(() => pool.end());

interface JobRow {
  task_identifier: string;
  key: string;
  run_at: Date;
}

/** jobsOf lists the pending jobs of a booking: its timers and its reminders' deliveries. */
async function jobsOf(bookingId: string): Promise<JobRow[]> {
  const { rows } = await pool.query<JobRow>(
    `select j.task_identifier, j.key, j.run_at from graphile_worker.jobs j
      where j.key like 'booking:' || $1 || ':%'
         or j.key in (select 'notification:' || n.id from app_public.notifications n where n.booking_id = $1::uuid)
      order by j.run_at, j.key`,
    [bookingId],
  );
  return rows;
}

const tasks = (jobs: JobRow[]) => jobs.map((j) => j.task_identifier).sort();

t.test('each state schedules the job for its next deadline; moving on removes it', async (t) => {
  const student = await createUser(pool, 'student');
  const tutor = await createUser(pool, 'tutor');

  // Requested: one job, to expire it.
  const booking = await requestBooking(pool, student, tutor, { startsIn: 48 * 60 });
  const requested = await jobsOf(booking.id);
  t.same(tasks(requested), ['expire_booking']);
  t.equal(requested[0]?.key, `booking:${booking.id}:expire`);
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
    'start_booking',
  ]);
  const start = scheduled.find((j) => j.task_identifier === 'start_booking');
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
    moved.find((j) => j.task_identifier === 'start_booking')?.run_at.getTime(),
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
    ['start_booking'],
    'starts in 10 minutes: both leads (24 h, 15 min) are past',
  );

  const inTwoHours = await requestBooking(pool, student, tutor, { startsIn: 120 });
  await acceptBooking(pool, tutor, inTwoHours.id);
  t.same(
    tasks(await jobsOf(inTwoHours.id)),
    ['send_notification', 'send_notification', 'start_booking'],
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
    "select app_private.fire_booking_timer($1, 'active', 'job:start_booking') as outcome",
    [started.id],
  );
  t.equal(rows[0].outcome, 'moved');
  const jobs = await jobsOf(started.id);
  t.same(tasks(jobs), ['end_booking']);
  t.equal(jobs[0]?.run_at.getTime(), started.ends_at.getTime() + 600_000);

  const again = await pool.query(
    "select app_private.fire_booking_timer($1, 'active', 'job:start_booking') as outcome",
    [started.id],
  );
  t.equal(
    again.rows[0].outcome,
    'moved on',
    'a repeated job finds the booking moved on and does nothing',
  );
  const early = await pool.query(
    "select app_private.fire_booking_timer($1, 'ended', 'job:end_booking') as outcome",
    [started.id],
  );
  t.equal(
    early.rows[0].outcome,
    'not due',
    'a job that fires before its deadline (moved later) waits for its successor',
  );
});
