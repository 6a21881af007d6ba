// The job history is written in the transaction that completes or fails a job
// (sql/0016_history_at_completion.sql): a worker killed the moment its jobs completed has lost
// none of their history; and what is not a run (a job removed, unlocked or handed back) writes
// nothing. The worker's own report (src/worker/history.ts) then fills in what only it knows.
import type pg from 'pg';
import t from 'tap';
import { createTestPool } from '../support/database.ts';
import { runCli } from '../support/processes.ts';

/**
 * take locks a job as a worker's fetch does (at `at`, SQL); returns the job as that worker
 * holds it.
 */
async function take(pool: pg.Pool, id: string, by: string, at = 'clock_timestamp()') {
  const { rows } = await pool.query<{ locked_at: Date; attempts: number; key: string | null }>(
    `update graphile_worker._private_jobs set locked_by = $2, locked_at = ${at}, attempts = attempts + 1
      where id = $1 returning locked_at, attempts, key`,
    [id, by],
  );
  const held = rows[0];
  if (!held) throw new Error(`no job ${id}`);
  return held;
}

// graphile-worker's own statements (0.18's batchCompleteJobs and batchFailJobs), as it runs them.
function complete(pool: pg.Pool, ids: string[]) {
  return pool.query(
    'delete from graphile_worker._private_jobs as jobs using unnest($1::bigint[]) n(n) where id = n',
    [ids],
  );
}

function fail(pool: pg.Pool, id: string, by: string, message: string) {
  return pool.query(
    `update graphile_worker._private_jobs as jobs
        set last_error = (el->>'message'),
            run_at = greatest(now(), run_at) + (exp(least(attempts, 10)) * interval '1 second'),
            locked_by = null, locked_at = null, payload = coalesce(el->'payload', jobs.payload)
       from json_array_elements($2::json) as els(el)
      where id = (el->>'jobId')::bigint and locked_by = $1::text`,
    [by, JSON.stringify([{ jobId: id, message }])],
  );
}

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
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (Date.now() > deadline) throw new Error('no job completed within a minute');
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
  await take(pool, done, 'worker-a');
  await take(pool, other, 'worker-a');
  await complete(pool, [done, other]);
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
  await take(pool, rolledBack, 'worker-a');
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
  await take(pool, retried, 'worker-a');
  await fail(pool, retried, 'worker-a', 'gateway said 503');
  t.match(await history(retried), [{ outcome: 'error', attempt: 1, error: 'gateway said 503' }]);

  const lastTry = await add('last-try', 1);
  await take(pool, lastTry, 'worker-a');
  await fail(pool, lastTry, 'worker-a', 'bad address');
  t.match(await history(lastTry), [{ outcome: 'failed', attempt: 1, error: 'bad address' }]);

  const removed = await add('removed');
  await pool.query("select graphile_worker.remove_job('removed')");
  t.same(await history(removed), [], 'a job removed before it ran is not a run');

  const unlocked = await add('unlocked');
  await take(pool, unlocked, 'worker-dead');
  await pool.query("select graphile_worker.force_unlock_workers(array['worker-dead'])");
  t.same(await history(unlocked), [], 'a job unlocked (its worker gone) writes nothing by itself');

  const handedBack = await add('handed-back');
  await take(pool, handedBack, 'worker-a');
  // 0.18's returnJobs: a local queue hands back jobs it fetched but did not start.
  await pool.query(
    `update graphile_worker._private_jobs set attempts = greatest(0, attempts - 1), locked_by = null, locked_at = null
      where id = $1 and locked_by = 'worker-a'`,
    [handedBack],
  );
  t.same(await history(handedBack), [], 'a job handed back unstarted writes nothing');

  const stale = await add('stale');
  await take(pool, stale, 'worker-gone', "now() - interval '5 hours'");
  await pool.query(
    "update graphile_worker._private_jobs set last_error = 'an earlier attempt', run_at = now() - interval '1 day' where id = $1",
    [stale],
  );
  // 0.18's resetLockedAt: locks older than four hours are released, run_at brought to now.
  await pool.query(
    `update graphile_worker._private_jobs set locked_at = null, locked_by = null, run_at = greatest(run_at, now())
      where locked_at < now() - interval '4 hours'`,
  );
  t.same(await history(stale), [], 'a stale lock released is not a failed attempt');

  const expired = await add('expired');
  await take(pool, expired, 'worker-gone', "now() - interval '5 hours'");
  await pool.query('select graphile_worker.complete_jobs(array[$1::bigint])', [expired]);
  t.same(await history(expired), [], 'complete_jobs on an expired lock is not a run');
});

t.test("the worker's report: each run known by its job, worker and lock", async (t) => {
  const { pool } = await createTestPool(t, 1);
  /** report sends reports as the worker does; returns the positions of those held back. */
  const report = async (reports: object[]) =>
    (
      await pool.query<{ report: number }>('select report from app_private.report_job_runs($1)', [
        JSON.stringify(reports),
      ])
    ).rows.map(({ report }) => report);
  const add = async (payload: object = {}, key: string | null = null) => {
    const { rows } = await pool.query<{ id: string }>(
      `select (graphile_worker.add_job('requeue_notifications', $1::json, job_key => $2)).id::text as id`,
      [JSON.stringify(payload), key],
    );
    return rows[0]?.id as string;
  };
  /** run takes a job as `worker`; returns its report of that run, with `more` changed. */
  const run = async (id: string, worker = 'worker-a') => {
    const held = await take(pool, id, worker);
    return (more: object = {}) => ({
      job_id: id,
      task: 'requeue_notifications',
      job_key: held.key,
      attempt: held.attempts,
      run_at: new Date().toISOString(),
      taken_at: held.locked_at.toISOString(),
      started_at: new Date(Date.now() - 1_500).toISOString(),
      finished_at: new Date().toISOString(),
      duration_ms: 1_500,
      outcome: 'success',
      error: null,
      worker_id: worker,
      payload: {},
      idle: false,
      ...more,
    });
  };
  const history = async (id: string) =>
    (
      await pool.query(
        `select outcome::text, attempt, job_key, duration_ms, worker_id
           from app_private.job_history where job_id = $1 order by id`,
        [id],
      )
    ).rows;
  const reported = (
    outcome: string,
    attempt = 1,
    worker = 'worker-a',
    key: string | null = null,
  ) => ({
    outcome,
    attempt,
    job_key: key,
    duration_ms: 1_500,
    worker_id: worker,
  });

  const busy = await add();
  const idle = await add({ _cron: { ts: new Date().toISOString() } });
  const pending = await add();
  const busyRun = await run(busy);
  const idleRun = await run(idle);
  const pendingRun = await run(pending);
  await complete(pool, [busy]);
  await complete(pool, [idle]);
  t.same(
    await report([busyRun(), idleRun({ idle: true }), pendingRun()]),
    [3],
    'a run whose completion is not in yet is sent again',
  );
  t.same(await history(busy), [reported('success')], 'the run, with its duration');
  t.same(await history(idle), [], 'a tick that found nothing leaves no row');
  t.same(await history(pending), [], 'nothing written for it yet');

  // Its lock was taken away (the worker declared dead) and its completion then came: the
  // triggers saw no run, the report writes it, once however often it is sent.
  await pool.query("select graphile_worker.force_unlock_workers(array['worker-a'])");
  await complete(pool, [pending]);
  t.same(await report([pendingRun()]), []);
  t.same(await report([pendingRun()]), []);
  t.same(await history(pending), [reported('success')], 'a report sent twice writes the run once');

  // add_job on a running job's key takes the key away and sets its attempts to max_attempts:
  // the triggers write what the job row says, the report what ran.
  const keyed = await add({}, 'sweep:keyed');
  const keyedRun = await run(keyed);
  await add({}, 'sweep:keyed');
  await complete(pool, [keyed]);
  t.match(await history(keyed), [
    { outcome: 'success', attempt: 25, job_key: null, duration_ms: null },
  ]);
  t.same(await report([keyedRun()]), []);
  t.same(
    await history(keyed),
    [reported('success', 1, 'worker-a', 'sweep:keyed')],
    'one row, as it ran',
  );

  // An admin's retry resets attempts: a second attempt 1 is another run.
  const retried = await add();
  const firstRun = await run(retried);
  await fail(pool, retried, 'worker-a', 'first');
  t.same(await report([firstRun({ outcome: 'error', error: 'first' })]), []);
  await pool.query(
    'select graphile_worker.reschedule_jobs(array[$1::bigint], now(), attempts => 0)',
    [retried],
  );
  const secondRun = await run(retried);
  await fail(pool, retried, 'worker-a', 'second');
  t.same(await report([secondRun({ outcome: 'error', error: 'second', duration_ms: 700 })]), []);
  t.match(
    await history(retried),
    [
      { outcome: 'error', attempt: 1, duration_ms: 1_500 },
      { outcome: 'error', attempt: 1, duration_ms: 700 },
    ],
    'each report on its own run',
  );

  // A worker thought dead completes late, after another took the job: graphile-worker deletes
  // by id, so the triggers credit the other worker; each report puts its own run right.
  const contested = await add();
  const lateRun = await run(contested, 'worker-a');
  await pool.query("select graphile_worker.force_unlock_workers(array['worker-a'])");
  const otherRun = await run(contested, 'worker-b');
  await complete(pool, [contested]);
  t.same(await report([lateRun()]), []);
  t.same(await report([otherRun({ outcome: 'error', error: 'its job was gone' })]), []);
  t.same(await history(contested), [
    reported('error', 2, 'worker-b'),
    reported('success', 1, 'worker-a'),
  ]);
});
