// Bulk job actions through the GraphQL API over real HTTP: an admin counts the jobs a filter
// matches, then retries, cancels or reschedules exactly those (the others are untouched); an
// empty or bad filter is refused naming the field; a non-admin is refused.
import t from 'tap';
import { createTestPool } from '../support/database.ts';
import { createUser } from '../support/factories.ts';
import { dataOf, graphqlClient } from '../support/graphql.ts';
import { serve } from '../support/processes.ts';

const SECRET = 'bulk-test-secret-0123456789abcdef';
const { pool, url } = await createTestPool(t, 3);
// The server alone: no worker runs the jobs, so each one stays where the action put it.
const { base } = await serve(t, 'server', { DATABASE_URL: url, JWT_SECRET: SECRET });
const client = graphqlClient(base, SECRET);
const admin = await createUser(pool, 'admin');
const student = await createUser(pool, 'student');
const gql = (query: string, variables: Record<string, unknown> = {}, user = admin) =>
  client(user, query, variables);

const FILTER = '$task: String, $state: JobState, $since: Datetime, $until: Datetime';
const ARGS = 'task: $task, state: $state, since: $since, until: $until';
const MATCHING = `query (${FILTER}) { jobsMatching(${ARGS}) { total retryable cancellable reschedulable perCall } }`;

/** addJob adds a job of `task` due in `hours`, failed for good when `failed`; returns its id. */
async function addJob(task: string, hours: number, failed = false): Promise<string> {
  const { rows } = await pool.query(
    "select (graphile_worker.add_job($1, '{}', run_at := now() + make_interval(hours => $2), max_attempts := 1)).id as id",
    [task, hours],
  );
  const id = rows[0].id as string;
  // A failed job is one whose attempts are used up, as a worker leaves it.
  if (failed)
    await pool.query(
      "update graphile_worker._private_jobs set attempts = 1, last_error = 'boom' where id = $1",
      [id],
    );
  return id;
}

/** states reads the jobs that still exist, by id. */
async function states(
  ids: string[],
): Promise<Record<string, { state: string; runAt: Date; attempts: number }>> {
  const { rows } = await pool.query(
    'select id, state, run_at, attempts from app_private.job_states where id = any($1)',
    [ids],
  );
  return Object.fromEntries(
    rows.map((r) => [r.id, { state: r.state, runAt: r.run_at, attempts: r.attempts }]),
  );
}

t.test('a bulk retry of failed jobs by filter retries exactly those', async (t) => {
  const target = [await addJob('bulk_a', -2, true), await addJob('bulk_a', -1, true)];
  const otherTask = await addJob('bulk_b', -1, true);
  const outsideWindow = await addJob('bulk_a', -30, true);
  const notFailed = await addJob('bulk_a', 1);
  const filter = {
    task: 'bulk_a',
    state: 'FAILED',
    since: new Date(Date.now() - 10 * 3_600_000).toISOString(),
  };

  const counted = await gql(MATCHING, filter);
  t.same(
    dataOf(counted.body).jobsMatching,
    { total: 2, retryable: 2, cancellable: 2, reschedulable: 2, perCall: 1000 },
    'the count before confirming',
  );
  const retried = await gql(
    `mutation (${FILTER}) { retryJobs(input: { ${ARGS} }) { count } }`,
    filter,
  );
  t.same(dataOf(retried.body).retryJobs, { count: 2 });

  const after = await states([...target, otherTask, outsideWindow, notFailed]);
  // Retried as retryJob does: due now with fresh attempts (its last error kept until it runs).
  for (const id of target)
    t.ok(
      after[id]?.attempts === 0 && (after[id]?.runAt.getTime() ?? Infinity) <= Date.now(),
      `job ${id} is due now with fresh attempts`,
    );
  t.equal(after[otherTask]?.state, 'failed', 'another task is untouched');
  t.equal(after[outsideWindow]?.state, 'failed', 'a job outside the window is untouched');
  t.equal(after[notFailed]?.state, 'scheduled', 'a scheduled job is untouched');
  const again = await gql(MATCHING, filter);
  t.match(dataOf(again.body).jobsMatching, { total: 0 }, 'nothing failed is left');
});

t.test('cancel and reschedule by filter act on exactly the matching jobs', async (t) => {
  const cancelled = [await addJob('bulk_c', 5), await addJob('bulk_c', 6)];
  const kept = await addJob('bulk_c', 50);
  const window = {
    task: 'bulk_c',
    since: new Date(Date.now() + 4 * 3_600_000).toISOString(),
    until: new Date(Date.now() + 7 * 3_600_000).toISOString(),
  };
  const cancel = await gql(
    `mutation (${FILTER}) { cancelJobs(input: { ${ARGS} }) { count } }`,
    window,
  );
  t.same(dataOf(cancel.body).cancelJobs, { count: 2 });
  t.same(
    Object.keys(await states([...cancelled, kept])),
    [kept],
    'only the matching jobs are gone',
  );
  const { rows } = await pool.query(
    'select job_id::text as id from app_private.job_history where job_id = any($1) and outcome = $2 order by job_id',
    [cancelled, 'cancelled'],
  );
  t.same(
    rows.map((r) => r.id),
    cancelled,
    'each cancellation is in the history',
  );

  const moved = [await addJob('bulk_d', 2), await addJob('bulk_d', 3)];
  const elsewhere = await addJob('bulk_e', 2);
  const runAt = new Date(Date.now() + 24 * 3_600_000);
  const reschedule = await gql(
    `mutation ($runAt: Datetime!, ${FILTER}) { rescheduleJobs(input: { runAt: $runAt, ${ARGS} }) { count } }`,
    { task: 'bulk_d', runAt: runAt.toISOString() },
  );
  t.same(dataOf(reschedule.body).rescheduleJobs, { count: 2 });
  const after = await states([...moved, elsewhere]);
  for (const id of moved) t.equal(after[id]?.runAt.getTime(), runAt.getTime(), `job ${id} moved`);
  t.ok((after[elsewhere]?.runAt.getTime() ?? 0) < runAt.getTime(), 'another task stays put');
});

t.test('a running job is neither cancelled nor counted as cancellable', async (t) => {
  const running = await addJob('bulk_f', -1);
  const idle = await addJob('bulk_f', 1);
  await pool.query(
    "update graphile_worker._private_jobs set locked_at = now(), locked_by = 'pool-test' where id = $1",
    [running],
  );
  const counted = await gql(MATCHING, { task: 'bulk_f' });
  t.same(dataOf(counted.body).jobsMatching, {
    total: 2,
    retryable: 0,
    cancellable: 1,
    reschedulable: 1,
    perCall: 1000,
  });
  const cancel = await gql(`mutation (${FILTER}) { cancelJobs(input: { ${ARGS} }) { count } }`, {
    task: 'bulk_f',
  });
  t.same(dataOf(cancel.body).cancelJobs, { count: 1 });
  t.same(Object.keys(await states([running, idle])), [running], 'the running job stays');
  // The single-job mutations ask the same rule (app_private.job_action_allowed).
  const one = await gql(
    'mutation ($id: BigInt!) { cancelJob(input: { id: $id }) { job { id } } }',
    {
      id: running,
    },
  );
  t.match(one.body.errors?.[0], {
    message: `job ${running} is running; it cannot be cancelled now`,
    extensions: { code: 'ILLTR' },
  });
  const scheduled = await addJob('bulk_f', 2);
  const retry = await gql(
    'mutation ($id: BigInt!) { retryJob(input: { id: $id }) { job { id } } }',
    {
      id: scheduled,
    },
  );
  t.match(retry.body.errors?.[0], {
    message: `job ${scheduled} is scheduled; it cannot be retried now`,
    extensions: { code: 'ILLTR' },
  });
});

t.test('an empty or bad filter is refused, naming the field', async (t) => {
  const empty = await gql(`mutation { retryJobs(input: {}) { count } }`);
  t.match(empty.body.errors?.[0], { message: /^filter: /, extensions: { code: 'BADIN' } });
  const emptyCount = await gql('{ jobsMatching { total } }');
  t.match(emptyCount.body.errors?.[0], { message: /^filter: /, extensions: { code: 'BADIN' } });

  const backwards = await gql(MATCHING, {
    since: '2030-01-02T00:00:00Z',
    until: '2030-01-01T00:00:00Z',
  });
  t.match(backwards.body.errors?.[0], {
    message: /^until .* must be after since/,
    extensions: { code: 'BADIN' },
  });

  const unknown = await gql(MATCHING, { state: 'LOST' });
  t.match(unknown.body.errors?.[0], { message: /\$state.*LOST/ }, 'an unknown state names $state');

  const when = await gql(
    `mutation { rescheduleJobs(input: { task: "bulk_none", runAt: "infinity" }) { count } }`,
  );
  t.match(when.body.errors?.[0], { message: /runAt/ }, 'a bad runAt is refused even with no match');
});

t.test('a non-admin is refused and changes nothing', async (t) => {
  const failed = await addJob('bulk_g', -1, true);
  for (const query of [
    '{ jobsMatching(task: "bulk_g") { total } }',
    'mutation { retryJobs(input: { task: "bulk_g" }) { count } }',
    'mutation { cancelJobs(input: { task: "bulk_g" }) { count } }',
  ]) {
    const { body } = await gql(query, {}, student);
    t.match(body.errors?.[0], { extensions: { code: 'DENYD' } }, query);
  }
  t.equal((await states([failed]))[failed]?.state, 'failed', 'the job is still failed');
});
