// Pause and resume on real workers: a paused task's due jobs stay queued (shown as paused) while
// two workers run, and after both restart, until an admin resumes it, then run once each; a
// paused channel holds its deliveries while another channel's go through; the admin API and
// the DBAs' functions refuse what cannot be paused.
import t from 'tap';
import { createTestPool } from '../support/database.ts';
import { createUser, type User } from '../support/factories.ts';
import { dataOf, graphqlClient } from '../support/graphql.ts';
import { type CliProcess, finished, runCli, serve, terminate } from '../support/processes.ts';
import { startWebhookReceiver } from '../support/receivers.ts';
import { waitUntil } from '../support/waiting.ts';

const SECRET = 'pause-test-secret-0123456789abcdef';
const { pool, url } = await createTestPool(t, 4);
const gateway = await startWebhookReceiver(t);
const env = {
  DATABASE_URL: url,
  JWT_SECRET: SECRET,
  WEBHOOK_URL: gateway.url,
  WEBHOOK_SECRET: 'pause-secret-0123456789abcdef',
  WORKER_CONCURRENCY: '2',
};
const { base } = await serve(t, 'server', env);
const client = graphqlClient(base, SECRET);
const admin = await createUser(pool, 'admin');
const student = await createUser(pool, 'student');
const gql = async (query: string, variables: Record<string, unknown> = {}, user: User = admin) =>
  dataOf((await client(user, query, variables)).body);

/** startWorker starts a worker and waits until it has registered its tasks and fetches jobs. */
async function startWorker(): Promise<CliProcess> {
  const worker = runCli(t, ['worker'], env);
  await worker.waitFor(/Worker connected/);
  return worker;
}

/** notify puts n messages for a channel in the outbox, due now, each with its job; returns their ids. */
async function notify(channel: string, n: number): Promise<string[]> {
  const { rows } = await pool.query(
    `with made as (
       insert into app_public.notifications (recipient_id, channel, message, run_at)
       select $1, $2::app_public.notification_channel, $2 || ' message #' || i, now() from generate_series(1, $3) i returning *
     )
     select m.id, app_private.schedule_notification_job(m) from made m`,
    [student.id, channel, n],
  );
  return rows.map((r) => r.id as string);
}

/**
 * workersFetched adds a job that a worker fetches only after every due notification (a lower
 * priority than deliveries') and waits until it has run: by then, the workers have passed over
 * every due job they were allowed to take.
 */
async function workersFetched(): Promise<void> {
  const { rows } = await pool.query(
    "select (graphile_worker.add_job('prune_job_history', '{}', priority := 100)).id as id",
  );
  const id = rows[0].id as string;
  await waitUntil('the workers ran a later job', async () => {
    const { rowCount } = await pool.query(
      "select 1 from app_private.job_history where job_id = $1 and outcome = 'success'",
      [id],
    );
    return rowCount === 1;
  });
}

/** states reads the notifications' states by id. */
async function states(ids: string[]): Promise<string[]> {
  const { rows } = await pool.query(
    'select state from app_public.notifications where id = any($1) order by id',
    [ids],
  );
  return rows.map((r) => r.state as string);
}

/** delivered waits until every one of the notifications is sent. */
async function delivered(ids: string[]): Promise<void> {
  await waitUntil(`${ids.length} notifications sent`, async () =>
    (await states(ids)).every((state) => state === 'sent'),
  );
}

const JOBS = `query { jobs(task: "send_notification") { nodes { state paused } } }`;
const PAUSES = 'query { pauses { nodes { kind name pausedBy jobs } } }';

t.test(
  "a paused task's due jobs do not run until resumed, across a restart and with two workers",
  async (t) => {
    const workers = [await startWorker(), await startWorker()];
    await waitUntil('the workers registered their tasks', async () => {
      const { rowCount } = await pool.query(
        "select 1 from graphile_worker._private_tasks where identifier = 'send_notification'",
      );
      return rowCount === 1;
    });
    const paused = await gql(
      'mutation { pauseTask(input: { task: "send_notification" }) { pause { kind name pausedBy } } }',
    );
    t.same(paused.pauseTask, {
      pause: { kind: 'task', name: 'send_notification', pausedBy: `user:${admin.id}` },
    });
    // Each worker hears the pause (NOTIFY) before the jobs arrive.
    for (const worker of workers) await worker.waitFor(/without its local queue/);

    const ids = await notify('webhook', 4);
    await workersFetched();
    t.equal(gateway.calls.length, 0, 'nothing was delivered');
    t.same(await states(ids), ['pending', 'pending', 'pending', 'pending']);
    t.same(
      (dataOf((await client(admin, JOBS)).body).jobs as { nodes: unknown[] }).nodes,
      ids.map(() => ({ state: 'DUE', paused: true })),
      'the admin API shows each job due and paused, with its run_at',
    );
    t.same((await gql(PAUSES)).pauses, {
      nodes: [{ kind: 'task', name: 'send_notification', pausedBy: `user:${admin.id}`, jobs: 4 }],
    });

    // Both workers restart: the new ones read the pause as they start.
    for (const worker of workers) await terminate(worker);
    const restarted = [await startWorker(), await startWorker()];
    await workersFetched();
    t.equal(gateway.calls.length, 0, 'still nothing delivered after the restart');

    t.same(
      (await gql('mutation { resumeTask(input: { task: "send_notification" }) { resumed } }'))
        .resumeTask,
      {
        resumed: true,
      },
    );
    await delivered(ids);
    t.same(
      gateway.calls.map((call) => call.body.id).sort(),
      [...ids].sort(),
      'each message was delivered once',
    );
    t.same((await gql(PAUSES)).pauses, { nodes: [] });
    for (const worker of restarted) await terminate(worker);
  },
);

t.test("a paused channel holds its deliveries while another channel's go through", async (t) => {
  gateway.calls.length = 0;
  const worker = await startWorker();
  await gql('mutation { pauseChannel(input: { channel: WEBHOOK }) { pause { name } } }');
  await worker.waitFor(/without its local queue/);

  const held = await notify('webhook', 3);
  const logged = await notify('log', 3);
  await delivered(logged);
  await workersFetched();
  t.equal(gateway.calls.length, 0, 'no webhook call while its channel is paused');
  t.same(await states(held), ['pending', 'pending', 'pending']);
  t.match((await gql(PAUSES)).pauses, { nodes: [{ kind: 'channel', name: 'webhook', jobs: 3 }] });

  await gql('mutation { resumeChannel(input: { channel: WEBHOOK }) { resumed } }');
  await delivered(held);
  t.equal(gateway.calls.length, 3, 'each held delivery went once');
  await terminate(worker);
});

t.test('worker --once leaves what is paused queued', async (t) => {
  gateway.calls.length = 0;
  await gql('mutation { pauseChannel(input: { channel: WEBHOOK }) { pause { name } } }');
  const [held] = await notify('webhook', 1);
  const logged = await notify('log', 1);
  t.equal(await finished(runCli(t, ['worker', '--once'], env)), 0);
  t.same(await states(logged), ['sent']);
  t.same(await states([held as string]), ['pending'], 'the paused channel held its delivery');
  t.equal(gateway.calls.length, 0);
  await gql('mutation { resumeChannel(input: { channel: WEBHOOK }) { resumed } }');
  t.equal(await finished(runCli(t, ['worker', '--once'], env)), 0);
  t.same(await states([held as string]), ['sent'], 'resumed, it goes');
});

t.test('what cannot be paused is refused, and only admins may pause', async (t) => {
  const unknown = await client(
    admin,
    'mutation { pauseTask(input: { task: "no_such_task" }) { pause { name } } }',
  );
  t.match(unknown.body.errors?.[0], { message: /^task: /, extensions: { code: 'BADIN' } });
  const refused = await client(
    student,
    'mutation { pauseTask(input: { task: "send_notification" }) { pause { name } } }',
  );
  t.match(refused.body.errors?.[0], { extensions: { code: 'DENYD' } });
  const listing = await client(student, PAUSES);
  t.match(listing.body.errors?.[0], { extensions: { code: 'DENYD' } });
  t.same(
    (await gql('mutation { resumeTask(input: { task: "send_notification" }) { resumed } }'))
      .resumeTask,
    { resumed: false },
    'resuming what is not paused changes nothing',
  );

  // A DBA at psql: the same rules, recorded as the database user.
  const { rows } = await pool.query(
    "select (app_private.pause('task', 'send_notification')).paused_by",
  );
  t.match(rows[0], { paused_by: /^sql:/ });
  const flags = await pool.query('select app_private.paused_flags() as flags');
  t.same(flags.rows[0].flags, ['task:send_notification'], 'what workers must not fetch');
  t.ok((await pool.query("select app_private.resume('task', 'send_notification') as r")).rows[0].r);
  await t.rejects(pool.query("select app_private.pause('channel', 'fax')"), { code: 'BADIN' });
});
