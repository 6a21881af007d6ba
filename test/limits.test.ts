// Limits on what may be asked: one open request per student, tutor and time; sessions within
// BOOKING_HORIZON; and times the service can handle, in arguments and in stored rows.
import type pg from 'pg';
import t from 'tap';
import { parseConfig } from '../src/config.ts';
import { createTestPool, sqlError } from '../support/database.ts';
import {
  acceptBooking,
  asUser,
  createUser,
  importBooking,
  requestBooking,
  requestBookingAt,
  type User,
} from '../support/factories.ts';

const { pool } = await createTestPool(t, 8);
const DAY = 86_400_000;

/** ask calls request_booking as the student with raw times (strings reach Postgres as written). */
function ask(
  student: User,
  tutor: User,
  startsAt: Date | string,
  endsAt: Date | string,
  db: pg.Pool = pool,
) {
  return requestBookingAt(db, student, tutor, startsAt, endsAt);
}

t.test('a student cannot hold two open requests with one tutor at once', async (t) => {
  const student = await createUser(pool, 'student');
  const tutor = await createUser(pool, 'tutor');
  const base = Date.now() + 2 * 3_600_000;
  const at = (minutes: number) => new Date(base + minutes * 60_000);
  const first = await ask(student, tutor, at(0), at(60));

  const duplicate = await sqlError(ask(student, tutor, at(30), at(90)));
  t.equal(duplicate.code, 'DUPRQ', 'an overlapping second request is refused with DUPRQ');
  t.match(duplicate.message, /you already have an open request with this tutor overlapping/);

  t.equal(
    (await ask(student, tutor, at(60), at(90))).state,
    'requested',
    'a back-to-back request is fine',
  );
  t.equal(
    (await ask(student, await createUser(pool, 'tutor'), at(0), at(60))).state,
    'requested',
    'so is the same time with another tutor',
  );
  t.equal(
    (await ask(await createUser(pool, 'student'), tutor, at(0), at(60))).state,
    'requested',
    'and another student asking the same tutor',
  );

  await asUser(
    pool,
    tutor,
    (c) => c.query('select app_public.decline_booking($1, $2)', [first.id, 'busy']),
    { commit: true },
  );
  const again = await ask(student, tutor, at(0), at(60));
  t.equal(again.state, 'requested', 'after a decline the student may ask again');

  await acceptBooking(pool, tutor, again.id);
  t.equal(
    (await ask(student, tutor, at(-20), at(40))).state,
    'requested',
    'a scheduled session is no open request (the tutor’s overlap rule decides at acceptance)',
  );

  const raw = await sqlError(
    importBooking(pool, student, tutor, { state: 'requested', startsAt: at(70), endsAt: at(80) }),
  );
  t.equal(raw.code, '23P01', 'the constraint holds for raw SQL too');
});

t.test('two identical requests at once: one is kept, the other gets DUPRQ', async (t) => {
  const student = await createUser(pool, 'student');
  const tutor = await createUser(pool, 'tutor');
  const startsAt = new Date(Date.now() + 3 * 3_600_000);
  const endsAt = new Date(startsAt.getTime() + 3_600_000);
  const results = await Promise.allSettled(
    Array.from({ length: 4 }, () => ask(student, tutor, startsAt, endsAt)),
  );
  const kept = results.filter((r) => r.status === 'fulfilled');
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  t.equal(kept.length, 1, 'exactly one request is stored');
  t.same(
    refused.map((r) => r.reason.code),
    ['DUPRQ', 'DUPRQ', 'DUPRQ'],
  );
  const { rows } = await pool.query(
    "select count(*)::int as n from app_public.bookings where student_id = $1 and state = 'requested'",
    [student.id],
  );
  t.equal(rows[0].n, 1);
});

t.test('a session starts within BOOKING_HORIZON', async (t) => {
  const student = await createUser(pool, 'student');
  const tutor = await createUser(pool, 'tutor');
  const far = new Date(Date.now() + 400 * DAY);
  const beyond = await sqlError(ask(student, tutor, far, new Date(far.getTime() + 3_600_000)));
  t.equal(beyond.code, 'BADIN', 'beyond the default 365 days: BADIN');
  t.match(beyond.message, /too far ahead: sessions start within BOOKING_HORIZON \(365 days\)/);

  const near = new Date(Date.now() + 360 * DAY);
  t.equal(
    (await ask(student, tutor, near, new Date(near.getTime() + 3_600_000))).state,
    'requested',
    'within it: fine',
  );

  const booking = await requestBooking(pool, student, tutor, { startsIn: 60 });
  await acceptBooking(pool, tutor, booking.id);
  const moved = await sqlError(
    asUser(pool, student, (c) =>
      c.query('select app_public.reschedule_booking($1, $2, $3)', [
        booking.id,
        far,
        new Date(far.getTime() + 3_600_000),
      ]),
    ),
  );
  t.equal(moved.code, 'BADIN', 'a reschedule beyond it too');

  // The service writes BOOKING_HORIZON to the settings the SQL reads.
  await pool.query(
    "update app_private.settings set value = '30 days' where name = 'booking_horizon'",
  );
  t.teardown(() =>
    pool.query("update app_private.settings set value = '365 days' where name = 'booking_horizon'"),
  );
  const month = new Date(Date.now() + 40 * DAY);
  const shorter = await sqlError(ask(student, tutor, month, new Date(month.getTime() + 3_600_000)));
  t.match(shorter.message, /BOOKING_HORIZON \(30 days\)/, 'a shorter horizon is named');

  t.equal(parseConfig({}).bookingHorizon.text, '365 days', 'BOOKING_HORIZON defaults to 365 days');
  t.throws(() => parseConfig({ BOOKING_HORIZON: '1 year' }), /BOOKING_HORIZON: .*no fixed length/);
  t.throws(
    () => parseConfig({ BOOKING_HORIZON: '100000 days' }),
    /BOOKING_HORIZON: "100000 days" is too long; at most 3650 days/,
  );
  t.throws(
    () => parseConfig({ BOOKING_HORIZON: '30 seconds' }),
    /BOOKING_HORIZON: must be at least 1 minute/,
  );
});

t.test('times outside what the service can handle are refused', async (t) => {
  const student = await createUser(pool, 'student');
  const tutor = await createUser(pool, 'tutor');
  const admin = await createUser(pool, 'admin');
  const cases: Array<[string, string, string, RegExp]> = [
    ['year 294276', '294276-01-01 10:00Z', '294276-01-01 11:00Z', /startsAt .* must lie between/],
    ['year 10000', '10000-01-01 10:00Z', '10000-01-01 11:00Z', /startsAt .* must lie between/],
    ['infinity', 'infinity', 'infinity', /must be real times/],
    ['an infinite end', new Date(Date.now() + DAY).toISOString(), 'infinity', /real times/],
  ];
  for (const [what, startsAt, endsAt, message] of cases) {
    const error = await sqlError(ask(student, tutor, startsAt, endsAt));
    t.equal(error.code, 'BADIN', `a request in ${what}: BADIN`);
    t.match(error.message, message);
  }

  const refused: Array<[string, string, unknown[], User]> = [
    [
      'scheduleNotification(runAt: year 294276)',
      "select app_public.schedule_notification($1, 'log', 'hi', '294276-01-01')",
      [student.id],
      admin,
    ],
    [
      'scheduleNotification(runAt: infinity)',
      "select app_public.schedule_notification($1, 'log', 'hi', 'infinity')",
      [student.id],
      admin,
    ],
    ['jobs(since: -infinity)', "select * from app_public.jobs(since => '-infinity')", [], admin],
    ['jobs(until: year 20000)', "select * from app_public.jobs(until => '20000-01-01')", [], admin],
    [
      'jobRuns(since: year 294276)',
      "select * from app_public.job_runs(since => '294276-01-01')",
      [],
      admin,
    ],
  ];
  for (const [what, sql, values, user] of refused) {
    const error = await sqlError(asUser(pool, user, (c) => c.query(sql, values)));
    t.equal(error.code, 'BADIN', `${what}: BADIN`);
    t.match(error.message, /must lie between 1900-01-01 and 9999-01-01/);
  }

  const job = (
    await pool.query(
      "select (graphile_worker.add_job('expire_requests_sweep', '{}', run_at := now() + interval '1 hour')).id",
    )
  ).rows[0].id;
  for (const runAt of ['infinity', '294276-01-01']) {
    const error = await sqlError(
      asUser(pool, admin, (c) => c.query('select app_public.reschedule_job($1, $2)', [job, runAt])),
    );
    t.equal(error.code, 'BADIN', `rescheduleJob(runAt: ${runAt}): BADIN`);
  }

  const fine = await asUser(
    pool,
    admin,
    async (c) =>
      (
        await c.query('select count(*)::int as n from app_public.jobs(since => $1, until => $2)', [
          new Date(Date.now() + 300 * DAY),
          new Date(Date.now() + 330 * DAY),
        ])
      ).rows[0].n,
  );
  t.equal(fine, 0, 'ordinary windows still work');
});

t.test('nothing stored can hold a time the service cannot read', async (t) => {
  const student = await createUser(pool, 'student');
  const tutor = await createUser(pool, 'tutor');
  const insertBooking = `insert into app_public.bookings (student_id, tutor_id, subject, state, starts_at, ends_at, expires_at)
    values ($1, $2, 'x', 'scheduled', $3, $4, $5)`;
  const stored: Array<[string, string, unknown[]]> = [
    [
      'a booking in year 294276',
      insertBooking,
      [student.id, tutor.id, '294276-01-01 10:00Z', '294276-01-01 11:00Z', new Date()],
    ],
    [
      'a booking expiring at infinity',
      insertBooking,
      [
        student.id,
        tutor.id,
        new Date(Date.now() + DAY),
        new Date(Date.now() + DAY + 3_600_000),
        'infinity',
      ],
    ],
    [
      'a notification in year 10000',
      `insert into app_public.notifications (recipient_id, channel, message, run_at)
       values ($1, 'log', 'x', '10000-01-01')`,
      [student.id],
    ],
  ];
  for (const [what, sql, values] of stored) {
    const error = await sqlError(pool.query(sql, values));
    t.equal(error.code, '23514', `${what}: refused by a check constraint`);
    t.match(error.message, /_times_usable/);
  }
  const booking = await importBooking(pool, student, tutor, {
    state: 'scheduled',
    startsAt: new Date(Date.now() + DAY),
    endsAt: new Date(Date.now() + DAY + 3_600_000),
  });
  const moved = await sqlError(
    pool.query(
      "update app_public.bookings set starts_at = '294276-01-01 10:00Z', ends_at = '294276-01-01 11:00Z' where id = $1",
      [booking.id],
    ),
  );
  t.equal(moved.code, '23514', 'nor can an update move one there');
});
