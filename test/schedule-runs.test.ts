// Runtime schedules on real worker processes: on time, paused, ended, misfired, each occurrence
// once across three replicas, and nothing lost or doubled by kill -9 and a restart.
import t, { type Test } from 'tap';
import type { ScheduleInput } from '../src/schedules/input.ts';
import { createSchedule, pauseSchedule } from '../src/schedules/operations.ts';
import { createTestPool } from '../support/database.ts';
import { createUser } from '../support/factories.ts';
import { type CliProcess, runCli, terminate } from '../support/processes.ts';
import { waitUntil } from '../support/waiting.ts';

const { pool, ...db } = await createTestPool(t, 6);

const env = {
  DATABASE_URL: db.url,
  SCHEDULE_MIN_INTERVAL: '1 second',
  WORKER_DEAD_AFTER: '2 seconds',
  WORKER_POLL_INTERVAL: '1 minute',
};

async function startWorker(): Promise<CliProcess> {
  const worker = runCli(t, ['worker'], env);
  await worker.waitFor(/Worker connected and looking for jobs/);
  return worker;
}

// Three replicas, nothing between them but the database.
let workers = [await startWorker(), await startWorker(), await startWorker()];
t.teardown(() => Promise.all(workers.map(terminate)));

const admin = await createUser(pool, 'admin');
const student = await createUser(pool, 'student');

async function create(fields: Partial<ScheduleInput>) {
  const client = await pool.connect();
  try {
    return await createSchedule(client, admin, {
      name: 'Practice',
      kind: 'notify_user',
      payload: {
        userId: student.id,
        subject: 'Practice',
        body: 'Ten minutes of scales',
        channel: 'log',
      },
      ...fields,
    });
  } finally {
    client.release();
  }
}

interface Run {
  occurrence: Date;
  ran_at: Date;
  outcome: 'ran' | 'skipped';
  coalesced: number;
  job_id: string;
}

async function runsOf(id: string): Promise<Run[]> {
  const { rows } = await pool.query<Run>(
    'select occurrence, ran_at, outcome, coalesced, job_id from app_public.schedule_runs where schedule_id = $1 order by occurrence',
    [id],
  );
  return rows;
}

async function scheduleRow(id: string) {
  const { rows } = await pool.query(
    'select s.next_run_at, s.paused, (select count(*)::int from graphile_worker._private_jobs j where j.key = app_private.schedule_job_key(s.id)) as jobs from app_public.schedules s where s.id = $1',
    [id],
  );
  return rows[0] as { next_run_at: Date | null; paused: boolean; jobs: number };
}

/** contiguous says that each run follows the last by exactly the occurrences it stood for. */
function contiguous(t: Test, runs: Run[], everyMs: number) {
  for (let i = 1; i < runs.length; i++) {
    const previous = runs[i - 1] as Run;
    const gap = (runs[i] as Run).occurrence.getTime() - previous.occurrence.getTime();
    if (gap !== previous.coalesced * everyMs)
      t.fail(`run ${i} comes ${gap} ms after the previous, which stood for ${previous.coalesced}`);
  }
  t.pass(`${runs.length} runs, no occurrence lost or doubled`);
}

t.test('an interval schedule runs on time, repeatedly, and stops when paused', async (t) => {
  const schedule = await create({ every: '2 seconds', startsAt: new Date(Date.now() + 200) });
  const runs = await waitUntil('three runs', async () => {
    const runs = await runsOf(schedule.id);
    return runs.length >= 3 ? runs : undefined;
  });
  for (const run of runs) {
    t.equal(run.outcome, 'ran');
    const late = run.ran_at.getTime() - run.occurrence.getTime();
    t.ok(late >= 0 && late < 1_000, `ran ${late} ms after its occurrence`);
  }
  contiguous(t, runs, 2_000);
  const messages = await pool.query(
    'select count(*)::int as n from app_public.notifications where recipient_id = $1',
    [student.id],
  );
  t.ok(messages.rows[0].n >= 3, 'each run put its notification in the outbox');

  const client = await pool.connect();
  await pauseSchedule(client, admin, schedule.id).finally(() => client.release());
  const paused = await runsOf(schedule.id);
  const row = await scheduleRow(schedule.id);
  t.equal(row.jobs, 0, 'paused: no job');
  // Wait until the next occurrence would have run.
  const quietUntil = (row.next_run_at?.getTime() ?? Date.now()) + 500;
  await waitUntil('the next occurrence has passed', async () => Date.now() > quietUntil);
  t.equal((await runsOf(schedule.id)).length, paused.length, 'nothing ran while paused');
});

t.test('an interval schedule stops when its end passes', async (t) => {
  const start = new Date(Date.now() + 1_000);
  const schedule = await create({
    every: '1 second',
    startsAt: start,
    endsAt: new Date(start.getTime() + 2_500),
  });
  const row = await waitUntil('the schedule is finished', async () => {
    const row = await scheduleRow(schedule.id);
    return row.next_run_at === null ? row : undefined;
  });
  t.equal(row.jobs, 0, 'no job left');
  const runs = await runsOf(schedule.id);
  t.same(
    runs.map((run) => run.occurrence.getTime() - start.getTime()),
    [0, 1_000, 2_000],
    'ran at the start and each second until the end',
  );
});

t.test('a misfire within the grace runs once; outside it is skipped and recorded', async (t) => {
  // Both were due a while ago, while no worker ran them (next_run_at set back by hand).
  const within = await create({
    runAt: new Date(Date.now() + 3_600_000),
    misfireGrace: '1 minute',
  });
  const outside = await create({
    runAt: new Date(Date.now() + 3_600_000),
    misfireGrace: '5 seconds',
  });
  await pool.query(
    "update app_public.schedules set run_at = now() - interval '20 seconds', next_run_at = now() - interval '20 seconds' where id = any($1)",
    [[within.id, outside.id]],
  );
  await waitUntil('both are finished', async () => {
    const rows = await Promise.all([scheduleRow(within.id), scheduleRow(outside.id)]);
    return rows.every((row) => row.next_run_at === null && row.jobs === 0);
  });
  t.match(
    await runsOf(within.id),
    [{ outcome: 'ran', coalesced: 1 }],
    'within the grace: ran once',
  );
  t.match(
    await runsOf(outside.id),
    [{ outcome: 'skipped', coalesced: 1 }],
    'outside: skipped, recorded',
  );
  t.equal((await runsOf(within.id)).length, 1);
  t.equal((await runsOf(outside.id)).length, 1);
});

t.test('three replicas run each occurrence exactly once', async (t) => {
  const schedules = await Promise.all([1, 2, 3, 4].map(() => create({ every: '1 second' })));
  const all = await waitUntil('each schedule ran four times', async () => {
    const all = await Promise.all(schedules.map((s) => runsOf(s.id)));
    return all.every((runs) => runs.length >= 4) ? all : undefined;
  });
  for (const runs of all) contiguous(t, runs, 1_000);
  const client = await pool.connect();
  try {
    for (const s of schedules) await pauseSchedule(client, admin, s.id);
  } finally {
    client.release();
  }
  const { rows } = await pool.query(
    `select count(distinct worker_id)::int as workers, count(*)::int as jobs, count(distinct payload::text)::int as occurrences
       from app_private.job_history where task = 'run_schedule' and payload->>'scheduleId' = any($1)`,
    [schedules.map((s) => s.id)],
  );
  t.ok(rows[0].workers >= 2, `the replicas shared the work (${rows[0].workers} ran some)`);
  t.equal(rows[0].jobs, rows[0].occurrences, 'one job per occurrence');
});

t.test('kill -9 and a restart lose and double no occurrence', async (t) => {
  const schedule = await create({ every: '1 second' });
  await waitUntil('two runs', async () => (await runsOf(schedule.id)).length >= 2);
  // Every worker dies at once, mid-work; occurrences come while none runs.
  for (const worker of workers) worker.child.kill('SIGKILL');
  await Promise.all(workers.map((worker) => worker.exited));
  const before = await runsOf(schedule.id);
  const downUntil = Date.now() + 2_500;
  await waitUntil('occurrences came while no worker ran', async () => Date.now() > downUntil);

  workers = [await startWorker()];
  const runs = await waitUntil('it runs again after the restart', async () => {
    const runs = await runsOf(schedule.id);
    return runs.length >= before.length + 3 ? runs : undefined;
  });
  contiguous(t, runs, 1_000);
  t.ok(
    runs.some((run) => run.coalesced > 1),
    'the occurrences missed while down coalesced into one run',
  );
  t.ok(
    runs.every((run) => run.outcome === 'ran'),
    'all within the default grace',
  );
});
