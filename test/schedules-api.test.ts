// Runtime schedules through the GraphQL API over real HTTP: an admin creates each trigger and
// sees its next run, changes, pauses, resumes and deletes it (the pending job follows); bad
// input is refused naming the field, and nothing is written; a student cannot create, and reads
// only the schedules that concern them; upcoming(count) is bounded and costed.
import t from 'tap';
import { createTestPool } from '../support/database.ts';
import { createUser } from '../support/factories.ts';
import { dataOf, graphqlClient } from '../support/graphql.ts';
import { serve } from '../support/processes.ts';

const SECRET = 'schedules-api-test-secret-0123456789abcdef';
const { pool, url } = await createTestPool(t, 3);
// The server alone: no worker runs the jobs, so each one waits where the schedule put it.
const { base } = await serve(t, 'server', { DATABASE_URL: url, JWT_SECRET: SECRET });
const client = graphqlClient(base, SECRET);

const admin = await createUser(pool, 'admin');
const student = await createUser(pool, 'student', { timeZone: 'Europe/Madrid' });
const other = await createUser(pool, 'student');

const SCHEDULE = 'id name kind trigger runAt cron timeZone startsAt endsAt paused nextRunAt';

type Schedule = {
  id: string;
  nextRunAt: string | null;
  paused: boolean;
  trigger: string;
  timeZone: string | null;
};

const CREATE = `mutation ($input: CreateScheduleInput!) { createSchedule(input: $input) { schedule { ${SCHEDULE} } } }`;

const notify = (trigger: Record<string, unknown>, fields: Record<string, unknown> = {}) => ({
  name: 'Prepare',
  kind: 'notify_user',
  payload: { userId: student.id, subject: 'Monday', body: 'Prepare your exercises' },
  trigger,
  ...fields,
});

async function create(input: Record<string, unknown>, user = admin): Promise<Schedule> {
  const { body } = await client(user, CREATE, { input });
  return (dataOf(body).createSchedule as { schedule: Schedule }).schedule;
}

async function jobOf(id: string) {
  const { rows } = await pool.query<{ run_at: Date; payload: { occurrence: string } }>(
    "select run_at, payload from app_private.job_states where key = 'schedule:' || $1",
    [id],
  );
  return rows[0];
}

async function count(table: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`select count(*)::int as n from ${table}`);
  return rows[0]?.n ?? 0;
}

t.test('an admin creates each trigger and sees its next run and job', async (t) => {
  const runAt = new Date(Date.now() + 3_600_000).toISOString();
  const once = await create(notify({ once: { runAt } }));
  t.equal(once.trigger, 'ONCE');
  t.equal(new Date(once.nextRunAt as string).toISOString(), runAt, 'once: next run is runAt');
  t.equal((await jobOf(once.id))?.run_at.toISOString(), runAt, 'and its job waits for it');

  const startsAt = new Date(Date.now() + 600_000).toISOString();
  const interval = await create(notify({ interval: { every: '15 minutes', startsAt } }));
  t.equal(interval.trigger, 'INTERVAL');
  t.equal(
    new Date(interval.nextRunAt as string).toISOString(),
    startsAt,
    'interval: from its start',
  );

  const cron = await create(
    notify({ cron: { expression: '0 9 * * *', timeZone: 'Europe/Madrid' } }),
  );
  t.equal(cron.trigger, 'CRON');
  t.equal(cron.timeZone, 'Europe/Madrid');
  const next = new Date(cron.nextRunAt as string);
  t.ok(next.getTime() > Date.now(), 'cron: the next 09:00 Madrid');
  t.match(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Madrid', timeStyle: 'short' }).format(
      next,
    ),
    '09:00',
  );
  t.equal((await jobOf(cron.id))?.run_at.toISOString(), next.toISOString());
});

t.test('upcoming(3) of a cron in Europe/Madrid gives the right UTC instants', async (t) => {
  // Mondays at 17:00 Madrid, from the last Monday of March 2027 on: the DST change (28 March)
  // moves the UTC time from 16:00 to 15:00.
  const cron = await create(
    notify({
      cron: {
        expression: '0 17 * * 1',
        timeZone: 'Europe/Madrid',
        startsAt: '2027-03-15T00:00:00Z',
      },
    }),
  );
  const { body } = await client(
    admin,
    'query ($id: UUID!) { schedule(id: $id) { nextRunAt upcoming(count: 3) } }',
    { id: cron.id },
  );
  t.same(
    (dataOf(body).schedule as { upcoming: string[] }).upcoming.map((at) =>
      new Date(at).toISOString(),
    ),
    ['2027-03-15T16:00:00.000Z', '2027-03-22T16:00:00.000Z', '2027-03-29T15:00:00.000Z'],
  );

  const tooMany = await client(
    admin,
    'query ($id: UUID!) { schedule(id: $id) { upcoming(count: 101) } }',
    { id: cron.id },
  );
  t.match(
    tooMany.body.errors?.[0],
    { extensions: { code: 'BADIN', field: 'count' } },
    'count is bounded',
  );

  // Costed: a page of schedules, each with 100 upcoming instants, costs 100 per schedule.
  const costly = await client(
    admin,
    '{ schedules(first: 1000) { nodes { upcoming(count: 100) } } }',
  );
  t.match(costly.body.errors?.[0], { extensions: { code: 'COSTS' } }, 'and costed');
});

t.test('update moves the pending job; pause, resume and delete', async (t) => {
  const schedule = await create(notify({ interval: { every: '1 hour' } }));
  const before = await jobOf(schedule.id);
  t.ok(before, 'a job waits');

  const { body } = await client(
    admin,
    `mutation ($input: UpdateScheduleInput!) { updateSchedule(input: $input) { schedule { ${SCHEDULE} } } }`,
    {
      input: {
        id: schedule.id,
        patch: {
          name: 'Agenda time',
          trigger: { cron: { expression: '30 7 * * *', timeZone: 'UTC' } },
        },
      },
    },
  );
  const updated = (dataOf(body).updateSchedule as { schedule: Schedule & { name: string } })
    .schedule;
  t.equal(updated.trigger, 'CRON');
  t.equal(updated.name, 'Agenda time');
  t.match(updated.nextRunAt, /T07:30:00/, 'the next run is the next 07:30 UTC');
  const moved = await jobOf(schedule.id);
  t.equal(
    moved?.run_at.toISOString(),
    new Date(updated.nextRunAt as string).toISOString(),
    'the job moved',
  );
  t.equal(
    await count(`graphile_worker.jobs where key = 'schedule:${schedule.id}'`),
    1,
    'one job still',
  );

  const act = async (mutation: string) => {
    const { body } = await client(
      admin,
      `mutation ($id: UUID!) { ${mutation}(input: { id: $id }) { schedule { paused nextRunAt } } }`,
      { id: schedule.id },
    );
    return (dataOf(body)[mutation] as { schedule: Schedule }).schedule;
  };
  t.match(await act('pauseSchedule'), { paused: true, nextRunAt: updated.nextRunAt });
  t.equal(await jobOf(schedule.id), undefined, 'paused: no job');
  t.match(await act('resumeSchedule'), { paused: false });
  t.ok(await jobOf(schedule.id), 'resumed: the job is back');

  const ran = await act('runScheduleNow');
  t.ok(new Date(ran.nextRunAt as string).getTime() <= Date.now(), 'run now: due now');

  const deleted = await client(
    admin,
    'mutation ($id: UUID!) { deleteSchedule(input: { id: $id }) { deletedScheduleId } }',
    { id: schedule.id },
  );
  t.same(dataOf(deleted.body).deleteSchedule, { deletedScheduleId: schedule.id });
  t.equal(await jobOf(schedule.id), undefined, 'deleted: no job');
  t.equal(await count(`app_public.schedules where id = '${schedule.id}'`), 0);
});

t.test('bad input is refused naming the field, and nothing is written', async (t) => {
  const schedules = await count('app_public.schedules');
  const jobs = await count('graphile_worker.jobs');
  const cases: Array<[string, Record<string, unknown>, string]> = [
    [
      'an expression that does not parse',
      notify({ cron: { expression: '61 * * * *', timeZone: 'UTC' } }),
      'trigger.cron.expression',
    ],
    [
      'an unknown zone',
      notify({ cron: { expression: '0 9 * * *', timeZone: 'Mars/Olympus' } }),
      'trigger.cron.timeZone',
    ],
    [
      'an interval under the minimum',
      notify({ interval: { every: '5 seconds' } }),
      'trigger.interval.every',
    ],
    [
      'an end before the start',
      notify({
        interval: {
          every: '1 hour',
          startsAt: '2027-01-02T00:00:00Z',
          endsAt: '2027-01-01T00:00:00Z',
        },
      }),
      'trigger.interval.endsAt',
    ],
    [
      'a payload its kind rejects',
      notify(
        { interval: { every: '1 hour' } },
        { payload: { userId: student.id, subject: '', body: 'x' } },
      ),
      'payload.subject',
    ],
    ['an unknown kind', notify({ interval: { every: '1 hour' } }, { kind: 'drop_tables' }), 'kind'],
    [
      'two triggers',
      notify({ interval: { every: '1 hour' }, cron: { expression: '0 9 * * *', timeZone: 'UTC' } }),
      'trigger',
    ],
    ['no trigger', notify({}), 'trigger'],
  ];
  for (const [what, input, field] of cases) {
    const { body } = await client(admin, CREATE, { input });
    t.equal(body.data, null, `${what}: no data`);
    t.match(
      body.errors?.[0],
      { extensions: { code: 'BADIN', field } },
      `${what}: BADIN on ${field}`,
    );
    t.match(body.errors?.[0]?.message, field, `${what}: the message names ${field}`);
  }
  t.equal(await count('app_public.schedules'), schedules, 'no schedule was written');
  t.equal(await count('graphile_worker.jobs'), jobs, 'no job was added');

  // A change refused: the schedule and its job stay as they were.
  const schedule = await create(notify({ interval: { every: '1 hour' } }));
  const job = await jobOf(schedule.id);
  const { body } = await client(
    admin,
    'mutation ($input: UpdateScheduleInput!) { updateSchedule(input: $input) { schedule { id } } }',
    {
      input: {
        id: schedule.id,
        patch: { name: 'Moved', trigger: { cron: { expression: 'every day', timeZone: 'UTC' } } },
      },
    },
  );
  t.match(body.errors?.[0], {
    extensions: { code: 'BADIN', field: 'patch.trigger.cron.expression' },
  });
  const { rows } = await pool.query('select name from app_public.schedules where id = $1', [
    schedule.id,
  ]);
  t.equal(rows[0]?.name, 'Prepare', 'the schedule is unchanged');
  t.same(await jobOf(schedule.id), job, 'and so is its job');
});

t.test('a student cannot create, reads what concerns them, not another’s', async (t) => {
  const { body } = await client(student, CREATE, {
    input: {
      name: 'My agenda',
      kind: 'daily_agenda',
      payload: { userId: student.id },
      trigger: { cron: { expression: '0 7 * * *', timeZone: 'Europe/Madrid' } },
    },
  });
  t.match(body.errors?.[0], { extensions: { code: 'DENYD' } }, 'admins only');
  const anonymous = await client(null, CREATE, {
    input: notify({ interval: { every: '1 hour' } }),
  });
  t.match(anonymous.body.errors?.[0], { extensions: { code: 'LOGIN' } }, 'signed in only');

  const mine = await create({
    name: 'Sam’s agenda',
    kind: 'daily_agenda',
    payload: { userId: student.id },
    trigger: { cron: { expression: '0 7 * * *', timeZone: 'Europe/Madrid' } },
  });
  const theirs = await create({
    name: 'Another agenda',
    kind: 'daily_agenda',
    payload: { userId: other.id },
    trigger: { cron: { expression: '0 7 * * *', timeZone: 'UTC' } },
  });
  const read = async (id: string) => {
    const { body } = await client(student, 'query ($id: UUID!) { schedule(id: $id) { id name } }', {
      id,
    });
    return dataOf(body).schedule;
  };
  t.same(await read(mine.id), { id: mine.id, name: 'Sam’s agenda' }, 'their own');
  t.equal(await read(theirs.id), null, 'not another’s');
  const list = await client(
    student,
    '{ schedules(condition: { kind: "daily_agenda" }) { nodes { id } } }',
  );
  t.same(dataOf(list.body).schedules, { nodes: [{ id: mine.id }] }, 'the list holds only theirs');

  const pause = await client(
    student,
    'mutation ($id: UUID!) { pauseSchedule(input: { id: $id }) { schedule { id } } }',
    { id: mine.id },
  );
  t.match(pause.body.errors?.[0], { extensions: { code: 'DENYD' } }, 'nor change it');
});

t.test('schedules are filtered by kind, paused and creator, paginated', async (t) => {
  const paused = await create(notify({ interval: { every: '2 hours' } }, { paused: true }));
  const { body } = await client(
    admin,
    `query ($creator: UUID!) {
      schedules(condition: { paused: true, kind: "notify_user", createdBy: $creator }, first: 10) {
        totalCount nodes { id paused } pageInfo { hasNextPage }
      }
    }`,
    { creator: admin.id },
  );
  t.same(dataOf(body).schedules, {
    totalCount: 1,
    nodes: [{ id: paused.id, paused: true }],
    pageInfo: { hasNextPage: false },
  });
  t.equal(await jobOf(paused.id), undefined, 'created paused: no job');
});
