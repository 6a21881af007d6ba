// The job history is written in the transaction that completes or fails a job
// (sql/0016_history_at_completion.sql): a worker killed the moment its jobs completed has lost
// none of their history; and what is not a run (a job removed, unlocked or handed back) writes
// nothing. The worker's own report (src/worker/history.ts) then fills in what only it knows.
import t from 'tap';
import { createTestPool } from '../support/database.ts';
import { runCli } from '../support/processes.ts';

t.test(
  'kill -9 a worker the moment its jobs completed: every completed job is in the history',
  async (t) => {
    const { pool, url } = await createTestPool(t, 2);
    const worker = runCli(t, ['worker'], { DATABASE_URL: url });
    await worker.waitFor(/Worker connected/);
    const { rows: added } = await pool.query<{ id: string }>(
      `select (graphile_worker.add_job('prune_job_history', '{}'::json)).id::text as id
       from generate_series(1, 200)`,
    );
    const ids = added.map(({ id }) => id);
    // As soon as any of them has completed, with no pause (the worker's own report of a batch
    // waits 200 ms; these rows cannot have come from it).
    for (;;) {
      const { rows } = await pool.query<{ n: number }>(
        'select count(*)::int as n from graphile_worker._private_jobs where id = any($1::bigint[])',
        [ids],
      );
      if ((rows[0]?.n ?? ids.length) < ids.length) break;
    }
    worker.child.kill('SIGKILL');
    t.equal(await worker.exited, 'SIGKILL');

    const { rows } = await pool.query<{ id: string; runs: number; outcome: string | null }>(
      `select j.id::text as id, count(h.id)::int as runs, min(h.outcome::text) as outcome
       from unnest($1::bigint[]) j(id)
       left join app_private.job_history h on h.job_id = j.id
      where not exists (select 1 from graphile_worker._private_jobs q where q.id = j.id)
      group by j.id`,
      [ids],
    );
    t.ok(rows.length > 0, `${rows.length} job(s) completed before the kill`);
    t.same(
      rows.filter(({ runs, outcome }) => runs !== 1 || outcome !== 'success'),
      [],
      'each completed job has exactly one success in the history',
    );
  },
);

t.test('what the history records of each way a job leaves graphile-worker', async (t) => {
  const { pool } = await createTestPool(t, 1);
  const add = async (key: string, maxAttempts = 25) => {
    const { rows } = await pool.query<{ id: string }>(
      `select (graphile_worker.add_job('prune_job_history', '{}'::json, job_key => $1, max_attempts => $2)).id::text as id`,
      [key, maxAttempts],
    );
    return rows[0]?.id as string;
  };
  const lock = (id: string, by: string, at = 'now()') =>
    pool.query(
      `update graphile_worker._private_jobs set locked_by = $2, locked_at = ${at}, attempts = attempts + 1 where id = $1`,
      [id, by],
    );
  // graphile-worker's own statements (0.18's batchCompleteJobs and batchFailJobs), as it runs them.
  const complete = (ids: string[]) =>
    pool.query(
      'delete from graphile_worker._private_jobs as jobs using unnest($1::bigint[]) n(n) where id = n',
      [ids],
    );
  const fail = (id: string, by: string, message: string) =>
    pool.query(
      `update graphile_worker._private_jobs as jobs
          set last_error = (el->>'message'),
              run_at = greatest(now(), run_at) + (exp(least(attempts, 10)) * interval '1 second'),
              locked_by = null, locked_at = null, payload = coalesce(el->'payload', jobs.payload)
         from json_array_elements($2::json) as els(el)
        where id = (el->>'jobId')::bigint and locked_by = $1::text`,
      [by, JSON.stringify([{ jobId: id, message }])],
    );
  const history = async (id: string) =>
    (
      await pool.query(
        `select outcome::text, attempt, error, worker_id, task, job_key, started_at is not null as started,
                duration_ms
           from app_private.job_history where job_id = $1 order by id`,
        [id],
      )
    ).rows;

  const done = await add('done');
  const other = await add('other');
  await lock(done, 'worker-a');
  await lock(other, 'worker-a');
  await complete([done, other]);
  t.same(
    await history(done),
    [
      {
        outcome: 'success',
        attempt: 1,
        error: null,
        worker_id: 'worker-a',
        task: 'prune_job_history',
        job_key: 'done',
        started: true,
        duration_ms: null,
      },
    ],
    'a locked job deleted: its success, with when it was taken; the duration waits for the worker',
  );
  t.equal((await history(other)).length, 1, 'one row per job of a completed batch');

  const rolledBack = await add('rolled-back');
  await lock(rolledBack, 'worker-a');
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query('delete from graphile_worker._private_jobs where id = $1', [rolledBack]);
    await client.query('rollback');
  } finally {
    client.release();
  }
  t.same(await history(rolledBack), [], 'a completion rolled back leaves no history');

  const retried = await add('retried');
  await lock(retried, 'worker-a');
  await fail(retried, 'worker-a', 'gateway said 503');
  t.match(await history(retried), [{ outcome: 'error', attempt: 1, error: 'gateway said 503' }]);

  const lastTry = await add('last-try', 1);
  await lock(lastTry, 'worker-a');
  await fail(lastTry, 'worker-a', 'bad address');
  t.match(await history(lastTry), [{ outcome: 'failed', attempt: 1, error: 'bad address' }]);

  const removed = await add('removed');
  await pool.query("select graphile_worker.remove_job('removed')");
  t.same(await history(removed), [], 'a job removed before it ran is not a run');

  const unlocked = await add('unlocked');
  await lock(unlocked, 'worker-dead');
  await pool.query("select graphile_worker.force_unlock_workers(array['worker-dead'])");
  t.same(await history(unlocked), [], 'a job unlocked (its worker gone) writes nothing by itself');

  const handedBack = await add('handed-back');
  await lock(handedBack, 'worker-a');
  // 0.18's returnJobs: a local queue hands back jobs it fetched but did not start.
  await pool.query(
    `update graphile_worker._private_jobs set attempts = greatest(0, attempts - 1), locked_by = null, locked_at = null
      where id = $1 and locked_by = 'worker-a'`,
    [handedBack],
  );
  t.same(await history(handedBack), [], 'a job handed back unstarted writes nothing');

  const expired = await add('expired');
  await lock(expired, 'worker-gone', "now() - interval '5 hours'");
  await pool.query('select graphile_worker.complete_jobs(array[$1::bigint])', [expired]);
  t.same(await history(expired), [], 'complete_jobs on an expired lock is not a run');
});

t.test(
  "the worker's report: durations, idle ticks, late completions and pending ones",
  async (t) => {
    const { pool } = await createTestPool(t, 1);
    const report = async (reports: object[]) =>
      (
        await pool.query<{ job_id: string; attempt: number }>(
          'select job_id::text, attempt from app_private.report_job_runs($1)',
          [JSON.stringify(reports)],
        )
      ).rows;
    const add = async (payload: object = {}) => {
      const { rows } = await pool.query<{ id: string }>(
        `select (graphile_worker.add_job('requeue_notifications', $1::json)).id::text as id`,
        [JSON.stringify(payload)],
      );
      const id = rows[0]?.id as string;
      await pool.query(
        "update graphile_worker._private_jobs set locked_by = 'worker-a', locked_at = now(), attempts = 1 where id = $1",
        [id],
      );
      return id;
    };
    const run = (id: string, more: object = {}) => ({
      job_id: id,
      task: 'requeue_notifications',
      job_key: null,
      attempt: 1,
      run_at: new Date().toISOString(),
      started_at: new Date(Date.now() - 1_500).toISOString(),
      finished_at: new Date().toISOString(),
      duration_ms: 1_500,
      outcome: 'success',
      error: null,
      worker_id: 'worker-a',
      payload: {},
      idle: false,
      ...more,
    });
    const history = async (id: string) =>
      (
        await pool.query(
          'select outcome::text, duration_ms, worker_id from app_private.job_history where job_id = $1',
          [id],
        )
      ).rows;

    const busy = await add();
    const idle = await add({ _cron: { ts: new Date().toISOString() } });
    const pending = await add();
    await pool.query('delete from graphile_worker._private_jobs where id = any($1::bigint[])', [
      [busy, idle],
    ]);
    const held = await report([run(busy), run(idle, { idle: true }), run(pending)]);
    t.same(
      held,
      [{ job_id: pending, attempt: 1 }],
      'a run whose completion is not in yet is sent again',
    );
    t.same(await history(busy), [
      { outcome: 'success', duration_ms: 1_500, worker_id: 'worker-a' },
    ]);
    t.same(await history(idle), [], 'a tick that found nothing leaves no row');
    t.same(await history(pending), [], 'nothing written for it yet');

    // Its lock was taken away (the worker declared dead) and its completion then came: the
    // triggers saw no run, the report writes it.
    await pool.query("select graphile_worker.force_unlock_workers(array['worker-a'])");
    await pool.query('delete from graphile_worker._private_jobs where id = $1', [pending]);
    t.same(await report([run(pending)]), []);
    t.same(await history(pending), [
      { outcome: 'success', duration_ms: 1_500, worker_id: 'worker-a' },
    ]);
    t.same(await report([run(pending)]), []);
    t.equal((await history(pending)).length, 1, 'a report sent twice writes the run once');
  },
);
