// Stuck work shows: a sweep whose ticks fold into one job is seen as late as it really is, a
// worker-only process is not ready while a sweep is overdue, and a worker whose task ids were
// garbage-collected under it, or whose runner graphile-worker stopped, recovers by itself.
import { makeWorkerUtils } from 'graphile-worker';
import type pg from 'pg';
import t from 'tap';
import { signToken } from '../src/http/auth.ts';
import { createTestPool } from '../support/database.ts';
import { createUser } from '../support/factories.ts';
import { dataOf, postGraphql } from '../support/graphql.ts';
import { runCli, serve } from '../support/processes.ts';
import { waitUntil } from '../support/waiting.ts';

const SECRET = 'stuck-test-secret-0123456789abcdef0123';

async function readiness(base: string) {
  const response = await fetch(`${base}/readyz`);
  return {
    status: response.status,
    checks: ((await response.json()) as { checks: Record<string, string> }).checks,
  };
}

/** addSweep enqueues a sweep the way the crontab does (its job key folds ticks together). */
async function addSweep(pool: pg.Pool, task: string): Promise<string> {
  const { rows } = await pool.query(
    `select (graphile_worker.add_job($1, '{}', job_key := 'sweep:' || $1)).id::text as id`,
    [task],
  );
  return rows[0].id;
}

/** refuse makes the database refuse every `operation` on `table` (a trigger named refuse) until it is dropped. */
async function refuse(pool: pg.Pool, operation: 'insert' | 'delete', table: string, when = 'true') {
  await pool.query(`
    create or replace function public.refuse() returns trigger language plpgsql as $$
      begin raise exception 'refused by the test'; end $$;
    create trigger refuse before ${operation} on ${table} for each row when (${when})
      execute function public.refuse()`);
}

t.test('a sweep whose ticks folded into one job shows how long it has really waited', async (t) => {
  const { url, pool } = await createTestPool(t, 3);
  // The API alone: nothing runs the sweep.
  const { base } = await serve(t, 'server', { DATABASE_URL: url, JWT_SECRET: SECRET });

  // A start_sessions_sweep tick seven minutes ago was never run; tick after tick folded into its job.
  await addSweep(pool, 'start_sessions_sweep');
  await pool.query(
    "update graphile_worker._private_jobs set created_at = now() - interval '7 minutes', run_at = now() - interval '7 minutes' where key = 'sweep:start_sessions_sweep'",
  );
  await addSweep(pool, 'start_sessions_sweep');

  // The job views see a job due for a moment: the fold moved its run_at to now.
  const due = await pool.query(
    "select extract(epoch from lateness)::float8 as seconds from app_private.jobs_due where key = 'sweep:start_sessions_sweep'",
  );
  t.ok(due.rows[0].seconds < 60, `jobs_due says ${due.rows[0].seconds.toFixed(1)} s late`);

  // sweep_status sees seven minutes.
  const { rows: status } = await pool.query(
    "select *, extract(epoch from overdue_for)::float8 as overdue_seconds from app_private.sweep_status where sweep = 'start_sessions_sweep'",
  );
  t.match(status[0], { schedule: '* * * * *', job_state: 'due', ticks_folded: 1 });
  t.ok(status[0].overdue_seconds >= 419, `sweep_status: ${status[0].overdue_seconds} s overdue`);
  const others = await pool.query(
    "select count(*)::int as n from app_private.sweep_status where sweep <> 'start_sessions_sweep' and overdue_for > interval '0'",
  );
  t.equal(others.rows[0].n, 0, 'the sweeps nobody knows about yet are not overdue');

  // So do the admin API...
  const admin = await createUser(pool, 'admin');
  const summary = await postGraphql(
    base,
    '{ queueSummary { overdueSweep overdueSweepSeconds oldestDueTask } }',
    {},
    { authorization: `Bearer ${await signToken(admin, SECRET, 600)}` },
  );
  const queueSummary = dataOf(summary.body).queueSummary as {
    overdueSweep: string;
    overdueSweepSeconds: number;
  };
  t.equal(queueSummary.overdueSweep, 'start_sessions_sweep');
  t.ok(
    queueSummary.overdueSweepSeconds >= 419,
    `queueSummary: ${queueSummary.overdueSweepSeconds} s`,
  );

  // ...and /metrics.
  const metrics = await (await fetch(`${base}/metrics`)).text();
  const gauge = /^schoolbell_sweep_overdue_seconds\{task="start_sessions_sweep"\} ([\d.]+)$/m.exec(
    metrics,
  );
  t.ok(gauge && Number(gauge[1]) >= 419, `/metrics: ${gauge?.[1]} s`);
  t.match(metrics, /^schoolbell_sweep_overdue_seconds\{task="expire_requests_sweep"\} 0$/m);

  // An API process stays ready: lateness is the cluster's, not this process's to answer for.
  const ready = await readiness(base);
  t.equal(ready.status, 200);
  t.notOk('sweeps' in ready.checks, 'the API roles have no sweeps check');
});

t.test('a sweep whose ticks find nothing to do is not overdue', async (t) => {
  const { pool } = await createTestPool(t, 2);
  // Known for an hour, ticked half a minute ago, never any work: the timers moved everything, so
  // each tick found nothing and left no history (task.ts, idleTicks).
  await pool.query(
    `insert into app_private.crontab (identifier, task, schedule, period, job_key)
     values ('start_sessions_sweep', 'start_sessions_sweep', '* * * * *', interval '1 minute', 'sweep:start_sessions_sweep')`,
  );
  await pool.query(
    `insert into graphile_worker._private_known_crontabs (identifier, known_since, last_execution)
     values ('start_sessions_sweep', now() - interval '1 hour', now() - interval '30 seconds')`,
  );
  const status = async () =>
    (
      await pool.query(
        "select extract(epoch from overdue_for)::float8 as seconds from app_private.sweep_status where sweep = 'start_sessions_sweep'",
      )
    ).rows[0].seconds as number;
  t.equal(await status(), 0, 'an idle sweep that ticks on time');

  // Its ticks stop (no worker runs the crontab): overdue a period after the last one.
  await pool.query(
    "update graphile_worker._private_known_crontabs set last_execution = now() - interval '7 minutes' where identifier = 'start_sessions_sweep'",
  );
  t.ok((await status()) >= 359, 'overdue once its ticks stop');
});

t.test('a worker process is not ready while a sweep is overdue, naming it', async (t) => {
  const { url, pool } = await createTestPool(t, 3);
  // start_sessions_sweep last succeeded ten minutes ago, and fails now: a DBA renamed what it calls.
  await pool.query(
    `insert into app_private.job_history (job_id, task, job_key, attempt, run_at, started_at, finished_at, outcome)
     values (0, 'start_sessions_sweep', 'sweep:start_sessions_sweep', 1, now() - interval '10 minutes',
             now() - interval '10 minutes', now() - interval '10 minutes', 'success')`,
  );
  await pool.query(
    "insert into graphile_worker._private_known_crontabs (identifier, known_since, last_execution) values ('start_sessions_sweep', now() - interval '1 hour', now() - interval '10 minutes')",
  );
  await pool.query(
    'alter function app_private.sweep_bookings(text, integer) rename to sweep_bookings_renamed',
  );
  const worker = runCli(t, ['worker'], { DATABASE_URL: url });
  t.teardown(async () => {
    worker.child.kill('SIGTERM');
    await worker.exited;
  });
  await worker.waitFor(/health and metrics listening/);
  const base = /"url":"(http:\/\/[^"]+)"/.exec(worker.output())?.[1] as string;

  const late = await waitUntil('the worker reports the overdue sweep', async () => {
    const ready = await readiness(base);
    return ready.status === 503 && ready.checks.worker === 'ok' ? ready : undefined;
  });
  t.match(late.checks, { worker: 'ok', sweeps: /^overdue: start_sessions_sweep by \d+ s$/ });

  // Repaired, and run once: ready again.
  await pool.query(
    'alter function app_private.sweep_bookings_renamed(text, integer) rename to sweep_bookings',
  );
  await addSweep(pool, 'start_sessions_sweep');
  const ready = await waitUntil('the worker is ready again', async () => {
    const answer = await readiness(base);
    return answer.status === 200 ? answer : undefined;
  });
  t.match(ready.checks, { sweeps: 'ok', worker: 'ok' });
});

t.test(
  'a worker whose task ids are garbage-collected under it restarts and runs the sweep',
  async (t) => {
    const { url, pool } = await createTestPool(t, 3);
    const service = await serve(t, 'start', {
      DATABASE_URL: url,
      JWT_SECRET: SECRET,
      LOG_LEVEL: 'debug',
      // The task ids are compared on each heartbeat, every quarter of this.
      WORKER_DEAD_AFTER: '2 seconds',
    });
    await service.waitFor(/read the task ids this worker uses/);

    // A DBA runs `graphile-worker --cleanup GC_TASK_IDENTIFIERS` beside the live service: the
    // task ids no job uses are deleted (a crontab tick may hold start_sessions_sweep' for a moment).
    const utils = await makeWorkerUtils({ connectionString: url });
    t.teardown(() => utils.release());
    await waitUntil('the cleanup deletes start_sessions_sweep', async () => {
      await utils.cleanup({ tasks: ['GC_TASK_IDENTIFIERS'] });
      const { rowCount } = await pool.query(
        "select 1 from graphile_worker._private_tasks where identifier = 'start_sessions_sweep'",
      );
      return rowCount === 0;
    });

    // The next tick inserts start_sessions_sweep again, with a new id; the worker still runs it.
    const jobId = await addSweep(pool, 'start_sessions_sweep');
    await waitUntil(
      'the sweep runs',
      async () => {
        const { rowCount } = await pool.query(
          "select 1 from app_private.job_history where job_id = $1 and outcome = 'success'",
          [jobId],
        );
        return rowCount === 1;
      },
      60_000,
    );
    // Its log lines may reach stdout after the run's row reached the database.
    const loud =
      /"level":50,.*"msg":"graphile-worker's task ids changed under this running worker \(start_sessions_sweep \d+ → \d+\)/;
    await service.waitFor(loud, 15_000);
    await service.waitFor(/worker restarted with the current task ids/, 15_000);
    t.match(service.output(), loud, 'the worker says loudly what happened');
    const ready = await readiness(service.base);
    t.equal(ready.status, 200, 'and is ready again');
    const { rows } = await pool.query('select count(*)::int as n from app_private.workers');
    t.equal(rows[0].n, 1, 'the replaced runner unregistered itself');
  },
);

t.test(
  'a worker whose runner stops because a job could not be completed starts a new one',
  async (t) => {
    const { url, pool } = await createTestPool(t, 3);
    // The database refuses to delete finished jobs, as it refuses everything while it restarts:
    // graphile-worker 0.18.0 cannot complete the batch and stops its runner.
    await refuse(pool, 'delete', 'graphile_worker._private_jobs');
    const service = await serve(t, 'start', {
      DATABASE_URL: url,
      JWT_SECRET: SECRET,
      WORKER_DEAD_AFTER: '1 second',
    });
    const student = await createUser(pool, 'student');
    const notify = async (message: string) =>
      (
        await pool.query(
          `with made as (
             insert into app_public.notifications (recipient_id, channel, message, run_at)
             values ($1, 'log', $2, now()) returning *
           )
           select m.id, app_private.schedule_notification_job(m) from made m`,
          [student.id, message],
        )
      ).rows[0].id as string;
    await notify('First');
    await service.waitFor(/graphile-worker stopped by itself; starting a new runner/);
    await pool.query('drop trigger refuse on graphile_worker._private_jobs');

    // The new runner runs new work, and the job the old one held is freed and finished.
    const second = await notify('Second');
    await waitUntil('the second notification is sent', async () => {
      const { rows } = await pool.query(
        'select state from app_public.notifications where id = $1',
        [second],
      );
      return rows[0].state === 'sent';
    });
    await waitUntil('no job is left', async () => {
      const { rows } = await pool.query(
        'select count(*)::int as n from graphile_worker._private_jobs',
      );
      return rows[0].n === 0;
    });
    const { rows } = await pool.query(
      "select outcome from app_private.job_history where task = 'send_notification' order by id",
    );
    t.ok(
      rows.some((row) => row.outcome === 'crashed'),
      'the job held by the stopped runner was recovered as crashed',
    );
    const ready = await readiness(service.base);
    t.equal(ready.status, 200, 'and the worker is ready again');
  },
);

t.test(
  'a run whose history the database refuses completes once it accepts: both or neither',
  async (t) => {
    const { url, pool } = await createTestPool(t, 3);
    // The history table refuses the reminders' rows for a while (a restarting database refuses
    // everything; the crontab's sweeps, refused too, would stop the runner before the reminder
    // ran, or not, as the machine's timing has it).
    await refuse(pool, 'insert', 'app_private.job_history', "new.task = 'send_notification'");
    const service = await serve(t, 'start', {
      DATABASE_URL: url,
      JWT_SECRET: SECRET,
      WORKER_DEAD_AFTER: '2 seconds',
    });
    const student = await createUser(pool, 'student');
    const { rows } = await pool.query(
      `with made as (
       insert into app_public.notifications (recipient_id, channel, message, run_at)
       values ($1, 'log', 'Kept', now()) returning *
     )
     select m.id, app_private.schedule_notification_job(m) from made m`,
      [student.id],
    );
    const key = rows[0].id;
    const job = () =>
      pool.query<{ locked: boolean }>(
        `select locked_by is not null as locked from graphile_worker._private_jobs
        where key = app_private.notification_job_key($1)`,
        [key],
      );
    const history = () =>
      pool.query(
        'select outcome from app_private.job_history where job_key = app_private.notification_job_key($1)',
        [key],
      );
    // The reminder went out, but its completion (and with it the history) is refused: the job
    // stays locked; graphile-worker's runner gives up on its queue and the worker starts another,
    // and the job, its old runner silent, is recovered and run again (WORKER_DEAD_AFTER).
    await waitUntil('the reminder is sent', async () => {
      const { rows: sent } = await pool.query(
        "select 1 from app_public.notifications where id = $1 and state = 'sent'",
        [key],
      );
      return sent.length === 1;
    });
    await service.waitFor(/refused/);
    t.match((await job()).rows, [{ locked: true }], 'the job is not completed without its history');
    t.same((await history()).rows, []);
    await pool.query('drop trigger refuse on app_private.job_history');

    await waitUntil('the job completes', async () => (await job()).rows.length === 0);
    // The recovery wrote the first run as crashed; its worker then reported that it had
    // finished (its completion was refused, not its work); the second run completed.
    const outcomes = await waitUntil('both runs are in the history', async () => {
      const found = (await history()).rows.map(({ outcome }) => outcome as string).sort();
      return found.length >= 3 ? found : undefined;
    });
    t.same(outcomes, ['crashed', 'success', 'success'], 'each run once');
    const { rows: sent } = await pool.query(
      'select state from app_public.notifications where id = $1',
      [key],
    );
    t.match(sent, [{ state: 'sent' }], 'the reminder stays sent, not sent again');
  },
);
