// What operators use: the admin GraphQL API, the job history, the DBA views, /metrics and /readyz.
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import t from 'tap';
import { BOOKING_STATES, JOB_STATES } from '../src/db/db.ts';
import { root } from '../src/paths.ts';
import { createTestPool, databaseUrl } from '../support/database.ts';
import { createUser } from '../support/factories.ts';
import { dataOf, graphqlClient } from '../support/graphql.ts';
import { serveOperated } from '../support/operated.ts';
import { runCli } from '../support/processes.ts';
import { startProxy } from '../support/proxy.ts';
import { waitUntil } from '../support/waiting.ts';

const SECRET = 'operations-test-secret-0123456789abcdef';
// The webhook gateway is down until a test brings it back.
const service = await serveOperated(t, SECRET);
const { pool, base } = service;
const db = { url: service.url, name: new URL(service.url).pathname.slice(1) };

const admin = await createUser(pool, 'admin');
const student = await createUser(pool, 'student');
const client = graphqlClient(base, SECRET);
const gql = (query: string, variables: Record<string, unknown> = {}, user = admin) =>
  client(user, query, variables);

const JOB = 'id task key state runAt attempts maxAttempts lastError lockedBy payload';

t.test('an admin finds a failed job, reads its history, retries it, and it succeeds', async (t) => {
  // A notification whose only attempt fails: the gateway is down.
  const scheduled = await gql(
    `mutation ($to: UUID!) { scheduleNotification(input: { recipientId: $to, channel: WEBHOOK, message: "Lesson moved" }) { notification { id } } }`,
    { to: student.id },
  );
  const notificationId = (
    dataOf(scheduled.body).scheduleNotification as { notification: { id: string } }
  ).notification.id;

  const failed = await waitUntil('the job fails', async () => {
    const { body } = await gql(
      `{ jobs(state: FAILED, task: "send_notification") { nodes { ${JOB} } } }`,
    );
    return (
      dataOf(body).jobs as { nodes: Array<{ id: string; payload: { notificationId: string } }> }
    ).nodes.find((job) => job.payload.notificationId === notificationId);
  });
  t.match(failed, {
    state: 'FAILED',
    attempts: 1,
    maxAttempts: 1,
    lastError: /giving up: webhook .* answered 503/,
  });

  // The history is written in batches, a fraction of a second after the outcome.
  const detail = await waitUntil('the failure is in the history', async () => {
    const { body } = await gql(
      `query ($id: BigInt!) { job(id: $id) { ${JOB} } jobRuns(jobId: $id) { nodes { attempt outcome error workerId durationMs } } }`,
      { id: failed.id },
    );
    return (dataOf(body).jobRuns as { nodes: unknown[] }).nodes.length > 0
      ? dataOf(body)
      : undefined;
  });
  t.match(detail.job, { id: failed.id, state: 'FAILED' });
  t.match(detail.jobRuns, {
    nodes: [{ attempt: 1, outcome: 'FAILED', error: /answered 503/, workerId: /^pool-/ }],
  });

  service.gateway(true);
  // A retry wakes the workers at once (graphile-worker's jobs:insert), not at their next poll.
  const listener = new pg.Client({ connectionString: service.url });
  await listener.connect();
  t.teardown(() => listener.end());
  const wakeups: string[] = [];
  listener.on('notification', (message) => wakeups.push(message.payload ?? ''));
  await listener.query('listen "jobs:insert"');
  const retried = await gql(
    `mutation ($id: BigInt!) { retryJob(input: { id: $id }) { job { state attempts } } }`,
    {
      id: failed.id,
    },
  );
  t.match(dataOf(retried.body).retryJob, { job: { attempts: 0 } }, 'retried with fresh attempts');
  const wakeup = await waitUntil('the workers are told', async () => wakeups[0]);
  t.match(JSON.parse(wakeup), { count: 1 }, 'the retry notified the workers');
  await waitUntil('the notification is sent', async () => {
    const { rows } = await pool.query('select state from app_public.notifications where id = $1', [
      notificationId,
    ]);
    return rows[0].state === 'sent';
  });
  const runs = await waitUntil('the history has both runs', async () => {
    const { body } = await gql(
      `query ($id: BigInt!) { jobRuns(jobId: $id) { nodes { outcome } } }`,
      { id: failed.id },
    );
    const nodes = (dataOf(body).jobRuns as { nodes: Array<{ outcome: string }> }).nodes;
    return nodes.length === 2 ? nodes : undefined;
  });
  t.same(
    runs.map((r) => r.outcome),
    ['SUCCESS', 'FAILED'],
    'the history outlives the job: newest first',
  );
});

t.test('cancel, reschedule and run a sweep now', async (t) => {
  const later = new Date(Date.now() + 3_600_000);
  const { rows } = await pool.query(
    "select (graphile_worker.add_job('expire_requests_sweep', '{}', run_at := $1, job_key := 'ops-test')).id as id",
    [later],
  );
  const id = rows[0].id as string;

  const moved = new Date(Date.now() + 7_200_000);
  const rescheduled = await gql(
    `mutation ($id: BigInt!, $at: Datetime!) { rescheduleJob(input: { id: $id, runAt: $at }) { job { runAt state } } }`,
    { id, at: moved.toISOString() },
  );
  const job = (dataOf(rescheduled.body).rescheduleJob as { job: { runAt: string; state: string } })
    .job;
  t.equal(new Date(job.runAt).getTime(), moved.getTime());
  t.equal(job.state, 'SCHEDULED');

  const cancelled = await gql(
    `mutation ($id: BigInt!) { cancelJob(input: { id: $id }) { job { id } } }`,
    { id },
  );
  t.ok(dataOf(cancelled.body).cancelJob);
  t.equal(
    (await pool.query('select 1 from graphile_worker.jobs where id = $1', [id])).rowCount,
    0,
    'the job is gone',
  );
  const history = await pool.query(
    'select outcome from app_private.job_history where job_id = $1',
    [id],
  );
  t.same(history.rows, [{ outcome: 'cancelled' }], 'and its cancellation is in the history');

  const again = await gql(
    `mutation ($id: BigInt!) { cancelJob(input: { id: $id }) { job { id } } }`,
    { id },
  );
  t.match(again.body.errors?.[0], {
    message: `job ${id} not found (finished jobs are in jobRuns)`,
    extensions: { code: 'NTFND' },
  });

  const sweep = await gql(
    'mutation { runSweep(input: { task: "start_sessions_sweep" }) { job { id task } } }',
  );
  const sweepJob = (dataOf(sweep.body).runSweep as { job: { id: string; task: string } }).job;
  t.equal(sweepJob.task, 'start_sessions_sweep');
  await waitUntil('the sweep ran', async () => {
    const { rows } = await pool.query(
      "select outcome from app_private.job_history where job_id = $1 and outcome = 'success'",
      [sweepJob.id],
    );
    return rows.length === 1;
  });
  const bogus = await gql(
    'mutation { runSweep(input: { task: "drop_everything" }) { job { id } } }',
  );
  t.match(bogus.body.errors?.[0], {
    message: /no sweep named "drop_everything"/,
    extensions: { code: 'BADIN' },
  });
});

t.test('the admin page asks the API for its lists', async (t) => {
  const query = '{ adminVocabulary { jobStates bookingStates sweeps } }';
  const { body } = await gql(query);
  const lists = dataOf(body).adminVocabulary as Record<string, string[]>;
  t.same(
    lists.jobStates,
    JOB_STATES.map((state) => state.toUpperCase()),
  );
  t.same(
    lists.bookingStates,
    BOOKING_STATES.map((state) => state.toUpperCase()),
    'booking states in the order of a booking’s life, then the ways it stops early',
  );
  // Every sweep offered is a crontab sweep (keyed sweep:<task>), and the first is the default.
  const crontab = await fs.readFile(path.join(root, 'crontab'), 'utf8');
  const crontabSweeps = [...crontab.matchAll(/jobKey=sweep:(\w+)/g)].map((match) => match[1]);
  t.same([...(lists.sweeps ?? [])].sort(), crontabSweeps.sort(), 'the crontab’s sweeps');
  t.equal(lists.sweeps?.[0], 'start_sessions_sweep');

  const refused = await gql(query, {}, student);
  t.match(refused.body.errors?.[0], { extensions: { code: 'DENYD' } }, 'admins only');
});

t.test('the queue summary and the throughput chart', async (t) => {
  const { body } = await gql(
    '{ jobCounts { nodes { task state count } } queueSummary { succeededLastHour failedLastHour perMinuteLastHour oldestDueRunAt } jobThroughput(minutes: 60, bucketMinutes: 10) { nodes { bucketStart succeeded failed } } }',
  );
  const data = dataOf(body);
  const summary = data.queueSummary as { succeededLastHour: number; failedLastHour: number };
  t.ok(summary.succeededLastHour >= 2, 'counts what succeeded in the last hour');
  t.ok(summary.failedLastHour >= 1, 'and what failed');
  const buckets = (data.jobThroughput as { nodes: Array<{ succeeded: number; failed: number }> })
    .nodes;
  t.ok(buckets.length >= 6 && buckets.length <= 7, 'one bucket per 10 minutes');
  t.equal(
    buckets.reduce((sum, b) => sum + b.succeeded, 0),
    summary.succeededLastHour,
    'the chart adds up to the summary',
  );
  t.ok(Array.isArray((data.jobCounts as { nodes: unknown[] }).nodes));
});

t.test('admins only', async (t) => {
  for (const query of [
    '{ jobs { nodes { id } } }',
    '{ queueSummary { failedLastHour } }',
    '{ jobRuns { nodes { id } } }',
  ]) {
    const { body } = await gql(query, {}, student);
    t.match(body.errors?.[0], { message: 'admins only', extensions: { code: 'DENYD' } }, query);
  }
  const write = await gql(
    'mutation { runSweep(input: { task: "start_sessions_sweep" }) { job { id } } }',
    {},
    student,
  );
  t.match(write.body.errors?.[0], { extensions: { code: 'DENYD' } });
});

t.test('the DBA views tell what is due, running, failed and stuck', async (t) => {
  // Jobs nobody works on: this database has no worker of its own.
  const { pool: q } = await createTestPool(t, 2);
  await q.query(`select graphile_worker.add_job('start_sessions_timer', '{"bookingId":"00000000-0000-4000-8000-000000000001"}',
                   run_at := now() - interval '90 seconds', job_key := 'late')`);
  await q.query(
    "select graphile_worker.add_job('end_sessions_timer', '{}', run_at := now() + interval '1 hour', job_key := 'later')",
  );
  await q.query(
    "select graphile_worker.add_job('expire_requests_timer', '{}', job_key := 'stuck')",
  );
  await q.query(
    "update graphile_worker._private_jobs set locked_at = now() - interval '10 minutes', locked_by = 'pool-gone' where key = 'stuck'",
  );
  await q.query(
    "select graphile_worker.add_job('end_sessions_sweep', '{}', job_key := 'broken', max_attempts := 1)",
  );
  await q.query(
    "update graphile_worker._private_jobs set attempts = 1, last_error = 'boom' where key = 'broken'",
  );

  const due = await q.query(
    "select task, extract(epoch from lateness) as late from app_private.jobs_due where key = 'late'",
  );
  t.ok(due.rows[0].late >= 90, 'jobs_due shows how late');
  const byTask = await q.query(
    'select task, scheduled, due from app_private.jobs_pending_by_task order by task',
  );
  t.match(byTask.rows, [
    { task: 'end_sessions_timer', scheduled: '1', due: '0' },
    { task: 'start_sessions_timer', scheduled: '0', due: '1' },
  ]);
  const running = await q.query('select key, locked_by from app_private.jobs_running');
  t.same(running.rows, [{ key: 'stuck', locked_by: 'pool-gone' }]);
  const stale = await q.query('select key from app_private.stale_locks');
  t.same(stale.rows, [{ key: 'stuck' }], 'a lock held by a worker that is gone');
  // A job with attempts left is tried again at its run_at; one without is not tried again.
  await q.query(
    "select graphile_worker.add_job('end_sessions_sweep', '{}', job_key := 'flaky', max_attempts := 3, run_at := now() + interval '5 minutes')",
  );
  await q.query(
    "update graphile_worker._private_jobs set attempts = 1, last_error = 'hiccup' where key = 'flaky'",
  );
  const failed = await q.query(
    'select key, state, last_error, next_attempt_at > now() as later from app_private.jobs_failed order by key',
  );
  t.same(failed.rows, [
    { key: 'broken', state: 'failed', last_error: 'boom', later: null },
    { key: 'flaky', state: 'retrying', last_error: 'hiccup', later: true },
  ]);
});

t.test('history older than the retention is pruned', async (t) => {
  await pool.query(
    `insert into app_private.job_history (job_id, task, attempt, finished_at, outcome)
     values (-1, 'old_task', 1, now() - interval '15 days', 'success'), (-2, 'recent_task', 1, now() - interval '13 days', 'success')`,
  );
  await gql('mutation { runSweep(input: { task: "prune_job_history" }) { job { id } } }');
  await waitUntil('the old row is pruned', async () => {
    const { rows } = await pool.query(
      "select 1 from app_private.job_history where task = 'old_task'",
    );
    return rows.length === 0;
  });
  const { rows } = await pool.query(
    "select 1 from app_private.job_history where task = 'recent_task'",
  );
  t.equal(rows.length, 1, 'what is younger than JOB_HISTORY_RETENTION stays');
});

t.test('/metrics is Prometheus text with the jobs, the queue and the API', async (t) => {
  await gql('{ currentUser { id } }');
  const response = await fetch(`${base}/metrics`);
  t.equal(response.status, 200);
  t.match(response.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  const sample =
    /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? -?(\d+(\.\d+)?(e[+-]?\d+)?|NaN|\+Inf|-Inf)$/;
  const bad = text
    .split('\n')
    .filter(
      (line) =>
        line !== '' &&
        !/^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/.test(line) &&
        !sample.test(line),
    );
  t.same(bad, [], 'every line is a HELP, a TYPE or a sample');
  t.match(text, /schoolbell_jobs_total\{task="send_notification",outcome="success"\} \d+/);
  t.match(text, /schoolbell_jobs_total\{task="send_notification",outcome="failed"\} \d+/);
  t.match(
    text,
    /schoolbell_job_duration_seconds_bucket\{le="0.005",task="send_notification"\} \d+/,
  );
  t.match(text, /schoolbell_job_lateness_seconds_count\{task="start_sessions_sweep"\} \d+/);
  t.match(text, /# TYPE schoolbell_queue_jobs gauge/);
  t.match(text, /# TYPE schoolbell_cron_ticks_total counter/);
  t.match(text, /schoolbell_graphql_requests_total\{outcome="ok",status="200"\} \d+/);
  t.match(text, /schoolbell_graphql_request_duration_seconds_bucket/);
  t.match(text, /schoolbell_process_resident_memory_bytes \d+/);
});

t.test(
  '/readyz turns unready when Postgres is unreachable, and ready when it returns',
  async (t) => {
    const target = new URL(db.url);
    const proxy = await startProxy({ host: target.hostname, port: Number(target.port || 5432) });
    t.teardown(() => proxy.close());
    const through = new URL(databaseUrl(db.url, db.name));
    through.host = `127.0.0.1:${proxy.port}`;
    const replica = runCli(t, ['start'], { DATABASE_URL: through.toString(), JWT_SECRET: SECRET });
    await replica.waitFor(/GraphQL server listening/);
    const replicaBase = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(replica.output())?.[1] as string;
    const readyz = async () => {
      const response = await fetch(`${replicaBase}/readyz`);
      return {
        status: response.status,
        body: (await response.json()) as { ready: boolean; checks: Record<string, string> },
      };
    };

    t.match(await readyz(), {
      status: 200,
      body: { ready: true, checks: { database: 'ok', migrations: 'ok', worker: 'ok' } },
    });
    await proxy.cut();
    const down = await waitUntil('readyz reports the outage', async () => {
      const answer = await readyz();
      return answer.status === 503 ? answer : undefined;
    });
    t.equal(down.body.ready, false);
    t.not(
      down.body.checks.database,
      'ok',
      `the database check says why: ${down.body.checks.database}`,
    );
    t.equal((await fetch(`${replicaBase}/healthz`)).status, 200, 'the process itself is alive');

    await proxy.restore();
    const up = await waitUntil('readyz recovers', async () => {
      const answer = await readyz();
      return answer.status === 200 ? answer : undefined;
    });
    t.same(up.body.checks, { database: 'ok', migrations: 'ok', worker: 'ok' });
    replica.child.kill('SIGTERM');
    t.equal(await replica.exited, 0);
  },
);
