// Runtime schedules without a worker: cron occurrences across DST in their zones, the checks on
// input, the job each schedule keeps, and what one occurrence's run does (stale, ran, skipped).
import t from 'tap';
import { ScheduleError } from '../src/schedules/input.ts';
import { SCHEDULE_KINDS } from '../src/schedules/kinds.ts';
import { runOccurrence } from '../src/schedules/occurrence.ts';
import {
  createSchedule,
  deleteSchedule,
  pauseSchedule,
  resumeSchedule,
  runScheduleNow,
  upcoming,
  updateSchedule,
} from '../src/schedules/operations.ts';
import { nextOccurrence, type Trigger } from '../src/schedules/trigger.ts';
import { createTestPool } from '../support/database.ts';
import { asUser, createUser, importBooking, inTransaction } from '../support/factories.ts';

// Expected instants computed by hand from the zone rules (EU: last Sunday of March 01:00Z and of
// October 01:00Z; US: second Sunday of March and first Sunday of November at 02:00 local;
// Sydney: first Sunday of April at 03:00 AEDT back to 02:00, first Sunday of October at 02:00
// AEST forward to 03:00), not by the library under test.
const DST_TABLE: Array<{
  what: string;
  cron: string;
  zone: string;
  after: string;
  expect: string[];
}> = [
  {
    what: '09:00 Madrid in January (CET, +01:00)',
    cron: '0 9 * * *',
    zone: 'Europe/Madrid',
    after: '2027-01-14T12:00:00Z',
    expect: ['2027-01-15T08:00:00.000Z', '2027-01-16T08:00:00.000Z'],
  },
  {
    what: '09:00 Madrid in July (CEST, +02:00)',
    cron: '0 9 * * *',
    zone: 'Europe/Madrid',
    after: '2027-07-14T12:00:00Z',
    expect: ['2027-07-15T07:00:00.000Z', '2027-07-16T07:00:00.000Z'],
  },
  {
    what: '02:30 Madrid on spring-forward day: once, at 03:00 CEST',
    cron: '30 2 * * *',
    zone: 'Europe/Madrid',
    after: '2027-03-27T12:00:00Z',
    expect: ['2027-03-28T01:00:00.000Z', '2027-03-29T00:30:00.000Z'],
  },
  {
    what: '02:30 New York on spring-forward day: once, at 03:00 EDT',
    cron: '30 2 * * *',
    zone: 'America/New_York',
    after: '2027-03-13T12:00:00Z',
    expect: ['2027-03-14T07:00:00.000Z', '2027-03-15T06:30:00.000Z'],
  },
  {
    what: '02:30 Madrid on fall-back day: once, the first (CEST) 02:30',
    cron: '30 2 * * *',
    zone: 'Europe/Madrid',
    after: '2027-10-30T12:00:00Z',
    expect: ['2027-10-31T00:30:00.000Z', '2027-11-01T01:30:00.000Z'],
  },
  {
    what: '01:30 New York on fall-back day: once, the first (EDT) 01:30',
    cron: '30 1 * * *',
    zone: 'America/New_York',
    after: '2027-11-06T12:00:00Z',
    expect: ['2027-11-07T05:30:00.000Z', '2027-11-08T06:30:00.000Z'],
  },
  {
    what: '02:30 Sydney when DST ends (2027-04-04): once, the first (AEDT) 02:30',
    cron: '30 2 * * *',
    zone: 'Australia/Sydney',
    after: '2027-04-03T00:00:00Z',
    expect: ['2027-04-03T15:30:00.000Z', '2027-04-04T16:30:00.000Z'],
  },
  {
    what: '02:30 Sydney when DST starts (2027-10-03): once, at 03:00 AEDT',
    cron: '30 2 * * *',
    zone: 'Australia/Sydney',
    after: '2027-10-02T00:00:00Z',
    expect: ['2027-10-02T16:00:00.000Z', '2027-10-03T15:30:00.000Z'],
  },
];

t.test('cron occurrences in their zone across the 2027 DST changes', async (t) => {
  for (const row of DST_TABLE) {
    const trigger: Trigger = {
      type: 'cron',
      cron: row.cron,
      timeZone: row.zone,
      startsAt: null,
      endsAt: null,
    };
    const first = nextOccurrence(trigger, new Date(row.after));
    const second = first && nextOccurrence(trigger, first);
    t.same([first?.toISOString(), second?.toISOString()], row.expect, row.what);
  }
});

t.test('interval occurrences count from the start and stop at the end', async (t) => {
  const trigger: Trigger = {
    type: 'interval',
    everyMs: 60_000,
    startsAt: new Date('2027-01-01T00:00:00Z'),
    endsAt: new Date('2027-01-01T00:03:00Z'),
  };
  t.equal(
    nextOccurrence(trigger, new Date('2026-12-31T00:00:00Z'))?.toISOString(),
    '2027-01-01T00:00:00.000Z',
  );
  t.equal(
    nextOccurrence(trigger, new Date('2027-01-01T00:01:30Z'))?.toISOString(),
    '2027-01-01T00:02:00.000Z',
  );
  t.equal(nextOccurrence(trigger, new Date('2027-01-01T00:03:00Z')), null, 'none after the end');
});

const { pool } = await createTestPool(t, 4);
const admin = await createUser(pool, 'admin');
const student = await createUser(pool, 'student', { timeZone: 'Europe/Madrid' });
const tutor = await createUser(pool, 'tutor', { name: 'Ana Tutor' });

/** withClient runs fn on a client of its own (the API opens its own transactions). */
async function withClient<T>(fn: (client: import('pg').PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await fn(client);
  } finally {
    client.release();
  }
}

async function refused(promise: Promise<unknown>): Promise<ScheduleError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ScheduleError) return error;
    throw error;
  }
  throw new Error('expected a ScheduleError');
}

async function jobOf(id: string) {
  const { rows } = await pool.query(
    'select run_at, payload from app_private.job_states where key = app_private.schedule_job_key($1)',
    [id],
  );
  return rows[0] as
    | { run_at: Date; payload: { scheduleId: string; occurrence: string } }
    | undefined;
}

/** runJob runs the occurrence the schedule's pending job is for, as run_schedule would. */
async function runJob(id: string, jobId: string) {
  const occurrence = (await jobOf(id))?.payload.occurrence as string;
  return withClient((c) => runOccurrence(c, { scheduleId: id, occurrence, jobId }));
}

const notify = (fields: Record<string, unknown> = {}) => ({
  name: 'Prepare',
  kind: 'notify_user',
  payload: {
    userId: student.id,
    subject: 'Monday',
    body: 'Prepare your exercises',
    channel: 'log',
  },
  ...fields,
});

t.test('the kinds in code are the kinds the database allows', async (t) => {
  const { rows } = await pool.query('select name from app_private.schedule_kinds order by name');
  t.same(
    rows.map((r) => r.name),
    [...SCHEDULE_KINDS.keys()].sort(),
  );
});

t.test('bad input is refused with BADIN naming the field, and nothing is written', async (t) => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['an expression that does not parse', { cron: '61 * * * *', timeZone: 'UTC' }, 'cron'],
    ['six fields', { cron: '0 0 9 * * *', timeZone: 'UTC' }, 'cron'],
    ['an unknown zone', { cron: '0 9 * * *', timeZone: 'Mars/Olympus' }, 'timeZone'],
    ['a cron without zone', { cron: '0 9 * * *' }, 'timeZone'],
    ['an interval under the minimum', { every: '5 seconds' }, 'every'],
    ['a cron that never runs', { cron: '0 9 30 2 *', timeZone: 'UTC' }, 'cron'],
    ['an interval that is no duration', { every: '1 month' }, 'every'],
    [
      'an end before the start',
      { every: '1 hour', startsAt: '2027-01-02T00:00:00Z', endsAt: '2027-01-01T00:00:00Z' },
      'endsAt',
    ],
    ['two triggers', { every: '1 hour', cron: '0 9 * * *', timeZone: 'UTC' }, 'trigger'],
    ['no trigger', {}, 'trigger'],
    ['a run time in the past', { runAt: '2020-01-01T00:00:00Z' }, 'runAt'],
    ['an unknown kind', { kind: 'drop_tables', every: '1 hour' }, 'kind'],
    [
      'a payload its kind rejects',
      { every: '1 hour', payload: { userId: student.id, subject: '', body: 'x' } },
      'payload.subject',
    ],
    [
      'a payload with a field its kind does not know',
      { every: '1 hour', payload: { userId: student.id, subject: 's', body: 'b', task: 'x' } },
      'payload.task',
    ],
  ];
  for (const [what, fields, field] of cases) {
    const error = await refused(withClient((c) => createSchedule(c, admin, notify(fields))));
    t.equal(error.code, 'BADIN', `${what}: BADIN`);
    t.equal(error.field, field, `${what}: names ${field} (${error.message})`);
  }
  const { rows } = await pool.query('select count(*)::int as n from app_public.schedules');
  t.equal(rows[0].n, 0, 'nothing was written');
});

t.test('SCHEDULE_MIN_INTERVAL bounds intervals and cron expressions alike', async (t) => {
  await pool.query(
    "update app_private.settings set value = '1 hour' where name = 'schedule_min_interval'",
  );
  t.teardown(() =>
    pool.query(
      "update app_private.settings set value = '1 minute' where name = 'schedule_min_interval'",
    ),
  );
  const cron = await refused(
    withClient((c) => createSchedule(c, admin, notify({ cron: '*/30 * * * *', timeZone: 'UTC' }))),
  );
  t.equal(cron.field, 'cron', cron.message);
  const every = await refused(
    withClient((c) => createSchedule(c, admin, notify({ every: '30 minutes' }))),
  );
  t.equal(every.field, 'every', every.message);
});

t.test('who may schedule what', async (t) => {
  const denied = await refused(
    withClient((c) => createSchedule(c, student, notify({ every: '1 hour' }))),
  );
  t.equal(denied.code, 'DENYD', 'a student may not send custom notifications');
  const other = await refused(
    withClient((c) =>
      createSchedule(c, student, {
        name: 'x',
        kind: 'daily_agenda',
        payload: { userId: tutor.id },
        every: '1 day',
      }),
    ),
  );
  t.equal(other.code, 'DENYD', "nor schedule someone else's agenda");
  const own = await withClient((c) =>
    createSchedule(c, student, {
      name: 'My agenda',
      kind: 'daily_agenda',
      payload: { userId: student.id },
      cron: '0 7 * * *',
      timeZone: 'Europe/Madrid',
    }),
  );
  t.equal(own.created_by, student.id, 'a user may schedule their own agenda');
  const mine = await asUser(
    pool,
    student,
    async (c) => (await c.query('select id from app_public.schedules')).rows,
  );
  t.same(mine, [{ id: own.id }], 'and reads the schedules that concern them');
  const theirs = await asUser(
    pool,
    tutor,
    async (c) => (await c.query('select id from app_public.schedules')).rows,
  );
  t.same(theirs, [], 'nobody else does');
  const notFound = await refused(withClient((c) => pauseSchedule(c, tutor, own.id)));
  t.equal(notFound.code, 'NTFND', 'another user cannot even find it');
  await withClient((c) => deleteSchedule(c, student, own.id));
});

t.test('each schedule keeps one job for its next occurrence', async (t) => {
  const at = new Date(Date.now() + 3_600_000);
  const once = await withClient((c) => createSchedule(c, admin, notify({ runAt: at })));
  t.equal(once.next_run_at?.getTime(), at.getTime());
  const job = await jobOf(once.id);
  t.equal(job?.run_at.getTime(), at.getTime(), 'the job is due at the occurrence');
  t.same(job?.payload, { scheduleId: once.id, occurrence: at.toISOString().replace('Z', '000Z') });

  const cron = await withClient((c) =>
    updateSchedule(c, admin, once.id, { cron: '0 9 * * 1', timeZone: 'Europe/Madrid' }),
  );
  t.equal(cron.trigger, 'cron', 'a patch naming another trigger replaces the old one');
  t.equal(cron.run_at, null);
  t.equal((await jobOf(once.id))?.run_at.getTime(), cron.next_run_at?.getTime(), 'the job moved');
  const next = upcoming(cron, 3);
  t.equal(next.length, 3);
  t.ok(
    next.every((d) => d.getUTCDay() === 1 && [7, 8].includes(d.getUTCHours())),
    'Mondays 09:00 Madrid',
  );

  const renamed = await withClient((c) =>
    updateSchedule(c, admin, once.id, { name: 'Monday prep', misfireGrace: '5 minutes' }),
  );
  t.equal(
    renamed.next_run_at?.getTime(),
    cron.next_run_at?.getTime(),
    'a rename keeps the next run',
  );
  t.equal(renamed.misfire_grace, '00:05:00');
  const denied = await refused(
    withClient((c) => updateSchedule(c, admin, once.id, { every: '1 second' })),
  );
  t.equal(denied.field, 'every', 'a change is checked like a new schedule');

  const paused = await withClient((c) => pauseSchedule(c, admin, once.id));
  t.ok(paused.paused);
  t.equal(await jobOf(once.id), undefined, 'paused: no job');
  await withClient((c) => resumeSchedule(c, admin, once.id));
  t.ok(await jobOf(once.id), 'resumed: the job is back');
  const now = await withClient((c) => runScheduleNow(c, admin, once.id));
  t.ok((now.next_run_at?.getTime() ?? 0) <= Date.now(), 'run now: the next occurrence is now');
  await withClient((c) => pauseSchedule(c, admin, once.id));
  const illegal = await refused(withClient((c) => runScheduleNow(c, admin, once.id)));
  t.equal(illegal.code, 'ILLTR', 'a paused schedule does not run now');
  await withClient((c) => deleteSchedule(c, admin, once.id));
  t.equal(await jobOf(once.id), undefined, 'deleted: no job');
});

t.test("inside a caller's transaction, an operation is rolled back with it", async (t) => {
  const id = await inTransaction(pool, async (client) => {
    const made = await createSchedule(client, admin, notify({ every: '1 hour' }));
    const error = await refused(createSchedule(client, admin, notify({ every: 'soon' })));
    t.equal(error.field, 'every', 'a refused operation leaves the transaction usable');
    return made.id;
  });
  const { rows } = await pool.query(
    'select count(*)::int as n from app_public.schedules where id = $1',
    [id],
  );
  t.equal(rows[0].n, 0, 'the schedule went with the transaction');
  t.equal(await jobOf(id), undefined, 'and so did its job');
});

t.test(
  'one occurrence: stale jobs do nothing, misfires are skipped, missed ones coalesce',
  async (t) => {
    const made = await withClient((c) =>
      createSchedule(c, admin, notify({ every: '1 minute', misfireGrace: '30 seconds' })),
    );
    const messages = async () =>
      (
        await pool.query(
          'select count(*)::int as n from app_public.notifications where recipient_id = $1',
          [student.id],
        )
      ).rows[0].n as number;
    const before = await messages();
    // Due 10 s ago: within the grace, it runs.
    const due = new Date(Date.now() - 10_000);
    await pool.query('update app_public.schedules set next_run_at = $2 where id = $1', [
      made.id,
      due,
    ]);
    const occurrence = (await jobOf(made.id))?.payload.occurrence as string;
    const ran = await withClient((c) =>
      runOccurrence(c, { scheduleId: made.id, occurrence, jobId: '1' }),
    );
    t.match(ran, { outcome: 'ran', coalesced: 1 });
    t.equal(await messages(), before + 1, 'its notification is in the outbox');
    const again = await withClient((c) =>
      runOccurrence(c, { scheduleId: made.id, occurrence, jobId: '1' }),
    );
    t.same(again, { outcome: 'stale' }, 'the same job run again does nothing');
    t.equal(await messages(), before + 1);

    // Due 200 s ago: four occurrences came, the latest 20 s ago: within the grace, one run.
    const missed = new Date(Date.now() - 200_000);
    await pool.query('update app_public.schedules set next_run_at = $2 where id = $1', [
      made.id,
      missed,
    ]);
    const coalesced = await runJob(made.id, '2');
    t.match(coalesced, { outcome: 'ran', coalesced: 4 }, 'four occurrences, one run');
    t.equal(await messages(), before + 2);

    // A once schedule an hour late, outside its grace: skipped and recorded, and finished.
    const late = await withClient((c) =>
      createSchedule(
        c,
        admin,
        notify({ runAt: new Date(Date.now() + 60_000), misfireGrace: '1 minute' }),
      ),
    );
    await pool.query(
      "update app_public.schedules set next_run_at = now() - interval '1 hour', run_at = now() - interval '1 hour' where id = $1",
      [late.id],
    );
    const skipped = await runJob(late.id, '3');
    t.match(skipped, { outcome: 'skipped', coalesced: 1, next: null });
    t.equal(await messages(), before + 2, 'nothing sent');
    const { rows } = await pool.query(
      'select last_outcome, next_run_at from app_private.schedules_by_next_run where id = $1',
      [late.id],
    );
    t.same(rows, [{ last_outcome: 'skipped', next_run_at: null }], 'the DBA view shows it');
    t.equal(await jobOf(late.id), undefined, 'a finished schedule has no job');
  },
);

t.test("the daily agenda lists the user's sessions of their day, in their zone", async (t) => {
  // 2027-01-15 in Madrid is 2027-01-14T23:00Z to 2027-01-15T23:00Z.
  await importBooking(pool, student, tutor, {
    state: 'scheduled',
    startsAt: new Date('2027-01-15T08:00:00Z'),
    endsAt: new Date('2027-01-15T09:00:00Z'),
  });
  await importBooking(pool, student, tutor, {
    state: 'scheduled',
    startsAt: new Date('2027-01-15T23:30:00Z'),
    endsAt: new Date('2027-01-16T00:30:00Z'),
  });
  const agenda = await withClient((c) =>
    createSchedule(c, admin, {
      name: 'Agenda',
      kind: 'daily_agenda',
      payload: { userId: student.id },
      cron: '0 7 * * *',
      timeZone: 'Europe/Madrid',
      misfireGrace: '3650 days',
    }),
  );
  // The occurrence of 2027-01-15 07:00 Madrid, run by hand (its job waits for 2027).
  await pool.query(
    "update app_public.schedules set next_run_at = '2027-01-15T06:00:00Z' where id = $1",
    [agenda.id],
  );
  const occurrence = (await jobOf(agenda.id))?.payload.occurrence as string;
  t.equal(occurrence, '2027-01-15T06:00:00.000000Z');
  const ran = await withClient((c) =>
    runOccurrence(c, { scheduleId: agenda.id, occurrence, jobId: '4' }),
  );
  t.match(ran, { outcome: 'ran', next: new Date('2027-01-16T06:00:00Z') });
  const { rows } = await pool.query(
    'select message from app_public.notifications where recipient_id = $1 order by created_at desc, id limit 1',
    [student.id],
  );
  t.equal(
    rows[0]?.message,
    'Your sessions on Friday, 15 January 2027 (Europe/Madrid):\n09:00–10:00 Imported with Ana Tutor',
    'the 09:00 Madrid session is listed in Madrid time; the one at 00:30 the next day is not',
  );
});
