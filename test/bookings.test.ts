// The booking state machine and row-level security, at the SQL level: what holds for every
// writer, whether the API, a job or a DBA at a psql prompt.
import type pg from 'pg';
import t, { type Test } from 'tap';
import type { BookingState } from '../src/db/db.ts';
import { createTestPool, sqlError } from '../support/database.ts';
import {
  acceptBooking,
  asUser,
  type Booking,
  createUser,
  events,
  importBooking,
  requestBooking,
  type User,
} from '../support/factories.ts';

const STATES: BookingState[] = [
  'requested',
  'scheduled',
  'active',
  'ended',
  'expired',
  'declined',
  'cancelled',
];
const LEGAL = new Set([
  'requested>scheduled',
  'requested>declined',
  'requested>cancelled',
  'requested>expired',
  'scheduled>active',
  'scheduled>cancelled',
  'active>ended',
]);
const at = (minutesFromNow: number) => new Date(Date.now() + minutesFromNow * 60_000);

const { pool } = await createTestPool(t, 8);

async function people(): Promise<{
  student: User;
  tutor: User;
  otherStudent: User;
  otherTutor: User;
  admin: User;
}> {
  return {
    student: await createUser(pool, 'student'),
    tutor: await createUser(pool, 'tutor'),
    otherStudent: await createUser(pool, 'student'),
    otherTutor: await createUser(pool, 'tutor'),
    admin: await createUser(pool, 'admin'),
  };
}

/** inState makes a booking in `state` whose deadlines all lie in the past, so time never blocks a move. */
async function inState(state: BookingState, student: User, tutor: User): Promise<Booking> {
  const times: Record<BookingState, { startsAt: Date; endsAt: Date; expiresAt?: Date }> = {
    requested: { startsAt: at(60), endsAt: at(120), expiresAt: at(-1) },
    scheduled: { startsAt: at(-1), endsAt: at(59) },
    active: { startsAt: at(-120), endsAt: at(-60) },
    ended: { startsAt: at(-120), endsAt: at(-60) },
    expired: { startsAt: at(60), endsAt: at(120) },
    declined: { startsAt: at(60), endsAt: at(120) },
    cancelled: { startsAt: at(60), endsAt: at(120) },
  };
  // Each booking gets a tutor of its own so that the overlap rules never interfere here.
  const ownTutor =
    state === 'scheduled' || state === 'active' || state === 'requested'
      ? await createUser(pool, 'tutor')
      : tutor;
  return importBooking(pool, student, ownTutor, { state, ...times[state] });
}

t.test('every legal transition succeeds and is audited with its actor', async (t) => {
  const { student, tutor } = await people();
  for (const move of LEGAL) {
    const [from, to] = move.split('>') as [BookingState, BookingState];
    // A scheduled session can be cancelled only before it starts.
    const booking =
      move === 'scheduled>cancelled'
        ? await importBooking(pool, student, await createUser(pool, 'tutor'), {
            state: 'scheduled',
            startsAt: at(60),
            endsAt: at(120),
          })
        : await inState(from, student, tutor);
    const { rows } = await pool.query(
      'select * from app_private.transition_booking($1, $2, $3, $4)',
      [booking.id, to, 'sweep:test', 'because'],
    );
    t.equal(rows[0].state, to, `${from} -> ${to}`);
    t.same((await events(pool, booking.id)).at(-1), {
      from_state: from,
      to_state: to,
      actor: 'sweep:test',
      reason: 'because',
    });
  }
});

t.test('every other move is refused by the database, naming both states', async (t) => {
  const { student, tutor } = await people();
  for (const from of STATES) {
    for (const to of STATES) {
      if (from === to || LEGAL.has(`${from}>${to}`)) continue;
      const booking = await inState(from, student, tutor);
      const error = await sqlError(
        pool.query('update app_public.bookings set state = $2 where id = $1', [booking.id, to]),
      );
      t.equal(error.code, 'ILLTR', `${from} -> ${to} is refused`);
      t.match(error.message, `from ${from} to ${to}`);
      const { rows } = await pool.query('select state from app_public.bookings where id = $1', [
        booking.id,
      ]);
      t.equal(rows[0].state, from, 'and nothing changed');
    }
  }
});

t.test('moving into the state a booking already has succeeds and changes nothing', async (t) => {
  const { student, tutor } = await people();
  for (const state of STATES) {
    const booking = await inState(state, student, tutor);
    const before = await events(pool, booking.id);
    const { rows } = await pool.query('select * from app_private.transition_booking($1, $2, $3)', [
      booking.id,
      state,
      'job:test',
    ]);
    t.equal(rows[0].state, state);
    t.same(await events(pool, booking.id), before, `${state} -> ${state} writes no event`);
  }
});

t.test('time-driven moves wait for their deadline', async (t) => {
  const { student, tutor } = await people();
  const future = await importBooking(pool, student, tutor, {
    state: 'scheduled',
    startsAt: at(30),
    endsAt: at(90),
  });
  const early = await sqlError(
    pool.query("update app_public.bookings set state = 'active' where id = $1", [future.id]),
  );
  t.equal(early.code, 'ILLTR');
  t.match(early.message, /from scheduled to active before it starts at/);

  const started = await importBooking(pool, student, await createUser(pool, 'tutor'), {
    state: 'scheduled',
    startsAt: at(-5),
    endsAt: at(55),
  });
  const late = await sqlError(
    pool.query("update app_public.bookings set state = 'cancelled' where id = $1", [started.id]),
  );
  t.match(late.message, /from scheduled to cancelled: it started at/);

  const running = await importBooking(pool, student, await createUser(pool, 'tutor'), {
    state: 'active',
    startsAt: at(-60),
    endsAt: at(-5), // ended five minutes ago, but END_GRACE is ten
  });
  const grace = await sqlError(
    pool.query("update app_public.bookings set state = 'ended' where id = $1", [running.id]),
  );
  t.match(grace.message, /from active to ended before .* \(ends_at plus END_GRACE\)/);

  const fresh = await requestBooking(pool, student, tutor, { startsIn: 60 * 48 });
  t.equal(
    fresh.expires_at.getTime() - Date.now() > 23 * 3_600_000,
    true,
    'a request lives REQUEST_TTL (24 hours)',
  );
  const notYet = await sqlError(
    pool.query("update app_public.bookings set state = 'expired' where id = $1", [fresh.id]),
  );
  t.match(notYet.message, /from requested to expired before it expires at/);

  const soon = await requestBooking(pool, student, tutor, { startsIn: 30 });
  t.ok(
    Math.abs(soon.expires_at.getTime() - soon.starts_at.getTime()) < 1000,
    'or until its start, if sooner',
  );
});

t.test('a change by hand in SQL is audited as the database user', async (t) => {
  const { student, tutor } = await people();
  const booking = await requestBooking(pool, student, tutor);
  await pool.query("update app_public.bookings set state = 'declined' where id = $1", [booking.id]);
  const trail = await events(pool, booking.id);
  t.same(trail[0], {
    from_state: null,
    to_state: 'requested',
    actor: `user:${student.id}`,
    reason: null,
  });
  t.match(trail[1], { from_state: 'requested', to_state: 'declined', actor: /^sql:/ });
});

t.test('a tutor cannot hold two overlapping sessions', async (t) => {
  const { student, otherStudent, tutor } = await people();
  const first = await requestBooking(pool, student, tutor, { startsIn: 60, minutes: 60 });
  const overlapping = await requestBooking(pool, otherStudent, tutor, {
    startsIn: 90,
    minutes: 60,
  });
  const adjacent = await requestBooking(pool, await createUser(pool, 'student'), tutor, {
    startsIn: 120,
    minutes: 30,
  });
  t.pass('overlapping requests from different students are fine: only one can be accepted');

  await acceptBooking(pool, tutor, first.id);
  const error = await sqlError(acceptBooking(pool, tutor, overlapping.id));
  t.equal(error.code, 'OVLAP');
  t.match(error.message, /the tutor already has a session overlapping/);
  t.equal(
    (await acceptBooking(pool, tutor, adjacent.id)).state,
    'scheduled',
    'back-to-back sessions do not overlap',
  );

  const raw = await sqlError(
    pool.query("update app_public.bookings set state = 'scheduled' where id = $1", [
      overlapping.id,
    ]),
  );
  t.equal(raw.code, '23P01', 'the exclusion constraint holds for raw SQL too');
});

t.test('bookings make sense on their own', async (t) => {
  const { student, tutor, otherStudent } = await people();
  const cases: Array<[string, () => Promise<unknown>, RegExp]> = [
    [
      'ends before it starts',
      () =>
        importBooking(pool, student, tutor, {
          state: 'requested',
          startsAt: at(60),
          endsAt: at(30),
        }),
      /bookings_ends_after_start/,
    ],
    [
      'with oneself',
      () =>
        importBooking(pool, student, student, {
          state: 'requested',
          startsAt: at(60),
          endsAt: at(90),
        }),
      /is not a tutor|bookings_not_with_self/,
    ],
    [
      'student is no student',
      () =>
        importBooking(pool, tutor, tutor, { state: 'requested', startsAt: at(60), endsAt: at(90) }),
      /is not a student|not_with_self/,
    ],
    [
      'tutor is no tutor',
      () =>
        importBooking(pool, student, otherStudent, {
          state: 'requested',
          startsAt: at(60),
          endsAt: at(90),
        }),
      /is not a tutor/,
    ],
    [
      'requested in the past',
      () =>
        importBooking(pool, student, tutor, {
          state: 'requested',
          startsAt: at(-60),
          endsAt: at(30),
        }),
      /must start in the future/,
    ],
  ];
  for (const [what, promise, message] of cases) {
    t.match((await sqlError(promise())).message, message, what);
  }
});

t.test('accept and decline racing on one booking: one wins, the other is told why', async (t) => {
  const { student, tutor } = await people();
  const booking = await requestBooking(pool, student, tutor);
  const results = await Promise.allSettled([
    acceptBooking(pool, tutor, booking.id),
    asUser(
      pool,
      tutor,
      (c) => c.query('select * from app_public.decline_booking($1)', [booking.id]),
      { commit: true },
    ),
  ]);
  const won = results.filter((r) => r.status === 'fulfilled');
  const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  t.equal(won.length, 1, 'exactly one succeeds');
  t.equal(lost[0]?.reason.code, 'ILLTR');
  t.match(
    lost[0]?.reason.message,
    /cannot move booking .* from (scheduled to declined|declined to scheduled)/,
  );
  const { rows } = await pool.query('select state from app_public.bookings where id = $1', [
    booking.id,
  ]);
  const trail = await events(pool, booking.id);
  t.equal(trail.length, 2, 'the audit has the request and the winner only');
  t.equal(trail[1]?.to_state, rows[0].state, 'and agrees with the booking');
});

t.test(
  'accept and cancel from two connections: the second waits, then obeys the machine',
  async (t) => {
    const { student, tutor } = await people();

    // Cancel first: the tutor's accept then finds a cancelled booking.
    const a = await requestBooking(pool, student, tutor);
    const { first, second } = await race(
      (c) => c.query('select app_public.cancel_booking($1)', [a.id]),
      student,
      (c) => c.query('select app_public.accept_booking($1)', [a.id]),
      tutor,
    );
    t.equal(first.status, 'fulfilled');
    t.equal(second.status, 'rejected');
    t.match((second as PromiseRejectedResult).reason.message, /from cancelled to scheduled/);
    t.same(
      (await events(pool, a.id)).map((e) => e.to_state),
      ['requested', 'cancelled'],
    );

    // Accept first: the student's cancel then cancels a scheduled session, which is allowed.
    const b = await requestBooking(pool, student, tutor, { startsIn: 300 });
    const again = await race(
      (c) => c.query('select app_public.accept_booking($1)', [b.id]),
      tutor,
      (c) => c.query('select app_public.cancel_booking($1)', [b.id]),
      student,
    );
    t.equal(again.first.status, 'fulfilled');
    t.equal(again.second.status, 'fulfilled');
    t.same(
      (await events(pool, b.id)).map((e) => e.to_state),
      ['requested', 'scheduled', 'cancelled'],
    );
  },
);

/**
 * race runs `first` in an open transaction, starts `second` on another connection (it blocks
 * on the row lock), then commits the first and lets the second finish.
 */
async function race(
  first: (c: pg.PoolClient) => Promise<unknown>,
  firstUser: User,
  second: (c: pg.PoolClient) => Promise<unknown>,
  secondUser: User,
): Promise<{ first: PromiseSettledResult<unknown>; second: PromiseSettledResult<unknown> }> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started!: () => void;
  const firstDone = new Promise<void>((resolve) => {
    started = resolve;
  });
  const one = asUser(
    pool,
    firstUser,
    async (c) => {
      await first(c);
      started();
      await held;
    },
    { commit: true },
  );
  await firstDone;
  const two = asUser(pool, secondUser, second, { commit: true });
  // Give the second statement time to reach the lock, then commit the first.
  await new Promise((resolve) => setTimeout(resolve, 200));
  release();
  const [a, b] = await Promise.allSettled([one, two]);
  return { first: a, second: b };
}

t.test('row-level security: each role sees what it should', async (t) => {
  const { student, otherStudent, tutor, otherTutor, admin } = await people();
  const mine = await requestBooking(pool, student, tutor);
  const theirs = await requestBooking(pool, otherStudent, otherTutor);
  const visible = (user: User | null) =>
    asUser(pool, user, async (c) =>
      (await c.query('select id from app_public.bookings')).rows.map((r) => r.id),
    );

  t.same(await visible(student), [mine.id], 'a student sees their own bookings');
  t.same(await visible(tutor), [mine.id], 'a tutor sees the bookings made with them');
  t.ok((await visible(admin)).includes(theirs.id), 'an admin sees all');
  t.same(await visible(null), [], 'without a token, nothing');

  const users = (user: User | null) =>
    asUser(pool, user, async (c) =>
      (await c.query('select id from app_public.users')).rows.map((r) => r.id),
    );
  const studentSees = await users(student);
  t.ok(studentSees.includes(otherTutor.id), 'students see every tutor, to book one');
  t.notOk(studentSees.includes(otherStudent.id), 'but not other students');
  t.ok((await users(tutor)).includes(student.id), 'tutors see their students');
  t.notOk((await users(tutor)).includes(otherStudent.id), 'and no others');
  t.same(await users(null), []);

  const trail = (user: User) =>
    asUser(
      pool,
      user,
      async (c) => (await c.query('select booking_id from app_public.booking_events')).rows.length,
    );
  t.equal(await trail(otherStudent), 1, 'events follow their booking');

  const denied = await sqlError(
    asUser(pool, student, (c) =>
      c.query("update app_public.bookings set state = 'cancelled' where id = $1", [mine.id]),
    ),
  );
  t.equal(denied.code, '42501', 'nobody writes the tables directly through the API role');
});

t.test('a token is only as good as the user it names', async (t) => {
  const { student } = await people();
  const mismatch = await sqlError(
    asUser(pool, { id: student.id, role: 'admin' }, (c) =>
      c.query('select * from app_public.bookings'),
    ),
  );
  t.equal(mismatch.code, 'TOKEN');
  t.match(
    mismatch.message,
    `token role "admin" does not match the role of user ${student.id} (student)`,
  );
  const ghost = await sqlError(
    asUser(pool, { id: '11111111-1111-4111-8111-111111111111', role: 'student' }, (c) =>
      c.query('select id, name from app_public.users'),
    ),
  );
  t.equal(ghost.code, 'TOKEN');
  t.match(ghost.message, /is not a user/);
});

t.test('the API role cannot reach the internals', async (t: Test) => {
  const { student } = await people();
  const error = await sqlError(
    asUser(pool, student, (c) => c.query('select * from app_private.settings')),
  );
  t.equal(error.code, '42501');
});
