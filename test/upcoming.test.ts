// What fires next over real HTTP: a booking's start timer (one item for every session starting
// at that instant, with their count), its reminders, an admin's message, a cron schedule's occurrences and the
// crontab's sweeps, in time order; the window's bounds and errors; admins only. The DBA's
// app_private.upcoming_jobs answers the job-based part alone.
import t from 'tap';
import { createTestPool } from '../support/database.ts';
import { acceptBooking, createUser, requestBookingAt } from '../support/factories.ts';
import { dataOf, graphqlClient } from '../support/graphql.ts';
import { serve } from '../support/processes.ts';

const SECRET = 'upcoming-test-secret-0123456789abcdef';
const { pool, url } = await createTestPool(t, 3);
// The server alone (it writes the crontab as it starts): no worker runs the jobs.
const { base } = await serve(t, 'server', { DATABASE_URL: url, JWT_SECRET: SECRET });
const client = graphqlClient(base, SECRET);

const admin = await createUser(pool, 'admin');
const sam = await createUser(pool, 'student', { name: 'Sam' });
const ana = await createUser(pool, 'student', { name: 'Ana' });
const tutors = [await createUser(pool, 'tutor'), await createUser(pool, 'tutor')];

const HOUR = 3_600_000;
// Two sessions starting at the same instant, two hours from now on the minute.
const startsAt = new Date(Math.ceil((Date.now() + 2 * HOUR) / 60_000) * 60_000);
const endsAt = new Date(startsAt.getTime() + HOUR);
for (const [i, student] of [sam, ana].entries()) {
  const tutor = tutors[i] as (typeof tutors)[number];
  const booking = await requestBookingAt(pool, student, tutor, startsAt, endsAt);
  await acceptBooking(pool, tutor, booking.id);
}
const { body: created } = await client(
  admin,
  `mutation ($input: CreateScheduleInput!) { createSchedule(input: $input) { schedule { id } } }`,
  {
    input: {
      name: 'Monday prep',
      kind: 'notify_user',
      payload: { userId: sam.id, subject: 'Monday', body: 'Prepare your exercises' },
      trigger: { cron: { expression: '*/30 * * * *', timeZone: 'UTC' } },
    },
  },
);
dataOf(created);
// A message an admin scheduled for Ana, an hour from now.
const messageAt = new Date(Math.ceil((Date.now() + HOUR) / 1000) * 1000);
const { body: scheduled } = await client(
  admin,
  `mutation ($input: ScheduleNotificationInput!) { scheduleNotification(input: $input) { notification { id } } }`,
  {
    input: {
      recipientId: ana.id,
      channel: 'LOG',
      message: 'Hello',
      runAt: messageAt.toISOString(),
    },
  },
);
dataOf(scheduled);

const UPCOMING = `query ($from: Datetime!, $until: Datetime!, $crontab: Boolean) {
  upcoming(from: $from, until: $until, crontab: $crontab) { at kind task what count }
}`;
type Item = { at: string; kind: string; task: string; what: string; count: number };

async function upcoming(from: Date, until: Date, user = admin, crontab?: boolean) {
  return client(user, UPCOMING, { from: from.toISOString(), until: until.toISOString(), crontab });
}

t.test('an admin sees what fires in a window, in time order', async (t) => {
  const from = new Date();
  // The crontab's sweeps tick every minute: without them, three hours fit in one answer.
  const { body } = await upcoming(from, new Date(from.getTime() + 3 * HOUR), admin, false);
  const items = dataOf(body).upcoming as Item[];
  t.notOk(
    items.some((item) => item.kind === 'CRONTAB'),
    'crontab: false leaves out the sweeps',
  );
  const times = items.map((item) => new Date(item.at).getTime());
  t.same(
    times,
    [...times].sort((a, b) => a - b),
    'in time order',
  );
  t.ok(
    times.every((at) => at >= from.getTime() && at < from.getTime() + 3 * HOUR),
    'all inside the window',
  );

  const timers = items.filter((item) => item.kind === 'BOOKING_TIMER');
  t.same(
    timers,
    [
      {
        at: startsAt.toISOString(),
        kind: 'BOOKING_TIMER',
        task: 'start_sessions_timer',
        what: 'start 2 sessions',
        count: 2,
      },
    ],
    'one item for the instant, counting both sessions',
  );

  const reminders = items.filter((item) => item.kind === 'REMINDER');
  t.equal(reminders.length, 4, 'a reminder for each student and tutor (the 15-minute lead)');
  const lead = new Date(startsAt.getTime() - 15 * 60_000).toISOString();
  t.ok(
    reminders.every((item) => item.at === lead && item.task === 'send_notification'),
    '15 minutes before the start',
  );
  const hhmm = startsAt.toISOString().slice(11, 16);
  t.ok(
    reminders.some((item) => item.what.startsWith(`remind Sam (log) of the session at `)),
    'says whom, through which channel',
  );
  t.ok(
    reminders.every((item) => item.what.endsWith(`${hhmm} UTC`)),
    'and the session time in the recipient zone',
  );

  t.same(
    items.filter((item) => item.kind === 'NOTIFICATION'),
    [
      {
        at: messageAt.toISOString(),
        kind: 'NOTIFICATION',
        task: 'send_notification',
        what: 'send Ana (log) a message',
        count: 1,
      },
    ],
    'the scheduled message, to whom and how',
  );

  const schedule = items.filter((item) => item.kind === 'SCHEDULE');
  t.equal(schedule.length, 6, 'the cron schedule every 30 minutes: six times in three hours');
  t.ok(
    schedule.every(
      (item) =>
        item.what === "run schedule 'Monday prep' (notify_user)" &&
        new Date(item.at).getUTCMinutes() % 30 === 0,
    ),
    'each on the half hour, named with its kind',
  );

  t.ok(
    items.indexOf(timers[0] as Item) > items.indexOf(reminders[0] as Item),
    'the reminders come before the start',
  );
});

t.test('the crontab ticks in UTC, beside the rest', async (t) => {
  const from = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 1);
  const { body } = await upcoming(from, new Date(from.getTime() + 10 * 60_000));
  const items = dataOf(body).upcoming as Item[];
  const starts = items.filter((item) => item.what === 'run start_sessions_sweep');
  t.equal(starts.length, 10, 'start_sessions each minute');
  t.ok(
    starts.every((item) => item.kind === 'CRONTAB' && item.task === 'start_sessions_sweep'),
    'as crontab items of its task',
  );
  const expiries = items.filter((item) => item.what === 'run expire_requests_sweep');
  t.equal(expiries.length, 2, 'expire_requests every five minutes');
  t.ok(
    expiries.every((item) => new Date(item.at).getUTCMinutes() % 5 === 0),
    'on the five minutes',
  );
});

t.test('the window is bounded: after from, at most 7 days, at most 200 items', async (t) => {
  const from = new Date();
  const same = await upcoming(from, from);
  t.equal(same.body.errors?.[0]?.extensions?.code, 'BADIN');
  t.equal(same.body.errors?.[0]?.extensions?.field, 'until', 'names until');
  const before = await upcoming(from, new Date(from.getTime() - HOUR));
  t.equal(before.body.errors?.[0]?.extensions?.field, 'until');
  const long = await upcoming(from, new Date(from.getTime() + 8 * 24 * HOUR));
  t.equal(long.body.errors?.[0]?.extensions?.code, 'BADIN');
  t.match(long.body.errors?.[0]?.message, /7 days/);
  const week = await upcoming(from, new Date(from.getTime() + 7 * 24 * HOUR));
  t.equal((dataOf(week.body).upcoming as Item[]).length, 200, 'a week of minutes stops at 200');
});

t.test('admins only', async (t) => {
  const from = new Date();
  const until = new Date(from.getTime() + HOUR);
  const student = await upcoming(from, until, sam);
  t.equal(student.body.errors?.[0]?.extensions?.code, 'DENYD', 'a student is refused');
  const { body } = await client(null, UPCOMING, {
    from: from.toISOString(),
    until: until.toISOString(),
  });
  t.equal(body.errors?.[0]?.extensions?.code, 'LOGIN', 'so is an anonymous caller');
});

t.test('a DBA asks app_private.upcoming_jobs for the queued part', async (t) => {
  const { rows } = await pool.query<{ kind: string; what: string; count: number }>(
    `select kind, what, count from app_private.upcoming_jobs(now(), now() + interval '3 hours', 100)
     where kind = 'booking_timer'`,
  );
  t.same(rows, [{ kind: 'booking_timer', what: 'start 2 sessions', count: 2 }]);
});
