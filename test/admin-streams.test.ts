// The admins' live streams with a real graphql-ws client against two server replicas and a
// worker on one database: job outcomes from the worker reach an admin on either replica, the
// queue's counts follow, a burst is summed up rather than streamed, and nobody else may listen.
import { type Client, createClient } from 'graphql-ws';
import t from 'tap';
import { signToken } from '../src/http/auth.ts';
import { createTestPool } from '../support/database.ts';
import { asUser, createUser, type User } from '../support/factories.ts';
import { bearer } from '../support/graphql.ts';
import { runCli, serve } from '../support/processes.ts';
import { startWebhookReceiver } from '../support/receivers.ts';
import { waitUntil } from '../support/waiting.ts';

const SECRET = 'admin-streams-test-secret-0123456789abcdef';
const { pool, ...db } = await createTestPool(t, 4);
// The gateway refuses every message that says so.
const gateway = await startWebhookReceiver(t, {
  status: (call) => (call.body.message.includes('refuse') ? 503 : 200),
});
const env = {
  DATABASE_URL: db.url,
  JWT_SECRET: SECRET,
  WEBHOOK_URL: gateway.url,
  WEBHOOK_SECRET: 'admin-streams-webhook-secret',
  NOTIFICATION_MAX_ATTEMPTS: '1',
};
const [a, b] = [await serve(t, 'server', env), await serve(t, 'server', env)];
const worker = runCli(t, ['worker'], env);
await worker.waitFor(/Worker connected/);

const admin = await createUser(pool, 'admin');
const student = await createUser(pool, 'student');

interface Heard<T> {
  events: T[];
  errors: Array<{ message: string; extensions?: { code?: string } }>;
}

/** connect opens a graphql-ws client to a replica as `user`. */
async function connect(base: string, user: User): Promise<Client> {
  const client = createClient({
    url: `${base.replace('http', 'ws')}/graphql`,
    connectionParams: bearer(await signToken(user, SECRET, 600)),
    retryAttempts: 0,
  });
  t.teardown(() => client.dispose());
  return client;
}

/** watch subscribes `query` and collects each event's `field` and every error. */
function watch<T>(client: Client, query: string, field: string): Heard<T> {
  const heard: Heard<T> = { events: [], errors: [] };
  client.subscribe<Record<string, T>>(
    { query },
    {
      next: ({ data, errors }) => {
        if (data?.[field]) heard.events.push(data[field]);
        if (errors) heard.errors.push(...(errors as Heard<T>['errors']));
      },
      error: (error) => heard.errors.push(...(Array.isArray(error) ? error : [error])),
      complete: () => {},
    },
  );
  return heard;
}

/**
 * pingUntilHeard calls `ping` (which makes an outcome) once a second until `heard` has an
 * event: a stream on a replica that listened already has no LISTEN of its own to wait for.
 */
async function pingUntilHeard<T>(heard: Heard<T>, ping: () => Promise<unknown>): Promise<void> {
  let pinged = 0;
  await waitUntil('the stream carries a ping', async () => {
    if (Date.now() - pinged > 1000) {
      pinged = Date.now();
      await ping();
    }
    return heard.events[0];
  });
}

/** listeners counts the connections idle after LISTENing on `topic` (one per replica that does). */
async function listeners(topic: string): Promise<number> {
  const { rows } = await pool.query(
    "select count(*)::int as n from pg_stat_activity where query = $1 and state = 'idle'",
    [`LISTEN "${topic}"`],
  );
  return rows[0].n;
}

/** notify puts `n` messages on a channel in the outbox, due now, each with its job; returns their job keys. */
async function notify(n: number, channel: 'log' | 'webhook', message: string): Promise<string[]> {
  const { rows } = await pool.query(
    `with made as (
       insert into app_public.notifications (recipient_id, channel, message, run_at)
       select $1, $2, $3 || ' #' || i, now() from generate_series(1, $4) i returning *
     ) select app_private.notification_job_key(m.id) as key, app_private.schedule_notification_job(m)
       from made m`,
    [student.id, channel, message, n],
  );
  return rows.map((row) => String(row.key));
}

interface Finished {
  jobId: string;
  jobKey: string;
  task: string;
  outcome: string;
  attempt: number;
  error: string | null;
  finishedAt: string;
}
interface Counts {
  counts: Array<{ task: string; state: string; count: number }>;
  succeededLastHour: number;
  failedLastHour: number;
}
const FINISHED = 'jobId jobKey task outcome attempt error finishedAt';
const COUNTS = 'queueCounts { counts { task state count } succeededLastHour failedLastHour }';

t.test(
  'an admin on either replica hears the worker’s outcomes, and the counts follow',
  async (t) => {
    const onA = await connect(a.base, admin);
    const onB = await connect(b.base, admin);
    // B listens for failures, then A for every outcome, then A counts the queue.
    const failures = watch<Finished>(
      onB,
      `subscription { jobOutcomes(outcome: FAILED) { ${FINISHED} } }`,
      'jobOutcomes',
    );
    await waitUntil('replica B listens', async () => (await listeners('schoolbell:jobs')) === 1);
    const all = watch<Finished>(onA, `subscription { jobOutcomes { ${FINISHED} } }`, 'jobOutcomes');
    await waitUntil('replica A listens', async () => (await listeners('schoolbell:jobs')) === 2);
    const counts = watch<Counts>(onA, `subscription { ${COUNTS} }`, 'queueCounts');
    const before = await waitUntil('the counts as they are', async () => counts.events[0]);
    t.equal(before.succeededLastHour, 0, 'the counts as they are come first');

    const [sent] = await notify(1, 'log', 'Bring your notes');
    const [refused] = await notify(1, 'webhook', 'Please refuse me');
    const heard = await waitUntil('replica A hears both outcomes', async () =>
      all.events.length >= 2 ? all.events : undefined,
    );
    t.match(
      heard.find((e) => e.jobKey === sent),
      { task: 'send_notification', outcome: 'SUCCESS', attempt: 1, error: null },
      'the delivered one succeeded',
    );
    const failed = heard.find((e) => e.jobKey === refused);
    t.match(failed, { task: 'send_notification', outcome: 'FAILED', attempt: 1, error: /503/ });
    t.ok(Date.parse(failed?.finishedAt ?? '') > 0, 'with when it finished');
    const onlyFailed = await waitUntil(
      'replica B hears the failure',
      async () => failures.events[0],
    );
    t.equal(onlyFailed.jobKey, refused, 'the filter passes the failure');
    t.equal(failures.events.length, 1, 'and only the failure');

    const after = await waitUntil('the counts change', async () =>
      counts.events.find((c) => c.succeededLastHour === 1 && c.failedLastHour === 1),
    );
    t.match(after.counts, [{ task: 'send_notification', state: 'FAILED', count: 1 }]);
    t.same(all.errors, []);
  },
);

t.test('a burst of 2,000 jobs is 2,000 outcomes but about one count a second', async (t) => {
  const client = await connect(a.base, admin);
  const counts = watch<Counts>(client, `subscription { ${COUNTS} }`, 'queueCounts');
  const outcomes = watch<Finished>(
    client,
    `subscription { jobOutcomes(task: "send_notification") { ${FINISHED} } }`,
    'jobOutcomes',
  );
  const before = await waitUntil('the counts as they are', async () => counts.events[0]);
  await waitUntil('the replica listens', async () => (await listeners('jobs:insert')) >= 1);
  const started = Date.now();
  await notify(2000, 'log', 'Burst');
  const done = await waitUntil(
    'the counts show the burst done',
    async () => counts.events.find((c) => c.succeededLastHour === before.succeededLastHour + 2000),
    120_000,
  );
  const seconds = (Date.now() - started) / 1000;
  t.same(
    done.counts.filter((c) => c.state !== 'FAILED'),
    [],
    'nothing is left but the earlier failure',
  );
  // The first read after a change is immediate, then one a second at most; the recheck adds
  // one per 10 s.
  const messages = counts.events.length - 1;
  t.ok(
    messages <= Math.ceil(seconds) + 2,
    `${messages} count messages over ${seconds.toFixed(1)} s`,
  );
  await waitUntil('every outcome arrives', async () => outcomes.events.length >= 2000, 60_000);
  t.equal(new Set(outcomes.events.map((e) => e.jobId)).size, 2000, 'each once');
});

t.test('anyone but an admin is refused, with DENYD', async (t) => {
  const client = await connect(b.base, student);
  for (const [query, field] of [
    [`subscription { jobOutcomes { ${FINISHED} } }`, 'jobOutcomes'],
    [`subscription { ${COUNTS} }`, 'queueCounts'],
  ] as const) {
    const heard = watch(client, query, field);
    const [refused] = await waitUntil(`${field} is refused`, async () =>
      heard.errors.length ? heard.errors : undefined,
    );
    t.equal(refused?.extensions?.code, 'DENYD', field);
    t.match(refused?.message, /admins only/);
    t.same(heard.events, []);
  }
});

t.test('an admin who stops being one is refused at the next outcome', async (t) => {
  const former = await createUser(pool, 'admin');
  const client = await connect(a.base, former);
  const heard = watch<Finished>(
    client,
    `subscription { jobOutcomes { ${FINISHED} } }`,
    'jobOutcomes',
  );
  await pingUntilHeard(heard, () => notify(1, 'log', 'Ping'));

  await pool.query("update app_public.users set role = 'tutor' where id = $1", [former.id]);
  await notify(1, 'log', 'After the change');
  const [refused] = await waitUntil('the former admin is told why', async () =>
    heard.errors.length ? heard.errors : undefined,
  );
  t.equal(refused?.extensions?.code, 'TOKEN', 'the token no longer says who they are');
});

t.test("an admin's bulk cancel streams each job it cancelled, once", async (t) => {
  const client = await connect(a.base, admin);
  const heard = watch<Finished>(
    client,
    `subscription { jobOutcomes(task: "stream_bulk", outcome: CANCELLED) { ${FINISHED} } }`,
    'jobOutcomes',
  );
  /** add queues n jobs of a task no worker runs, due tomorrow; returns their ids. */
  const add = async (n: number) =>
    (
      await pool.query(
        "select (graphile_worker.add_job('stream_bulk', '{}', run_at := now() + interval '1 day')).id::text as id from generate_series(1, $1)",
        [n],
      )
    ).rows.map((row) => row.id as string);
  const cancel = (sql: string, values: unknown[] = []) =>
    asUser(pool, admin, async (c) => (await c.query(sql, values)).rows[0], { commit: true });

  // Pings: a job added and cancelled, until the stream carries one.
  const pings = new Set<string>();
  await pingUntilHeard(heard, async () => {
    const [ping] = await add(1);
    pings.add(ping as string);
    await cancel('select app_public.cancel_job($1)', [ping]);
  });
  const bulk = await add(600);
  const { n } = await cancel("select app_public.cancel_jobs('stream_bulk') as n");
  t.equal(n, 600, 'one call cancels them all');
  const isBulk = (e: Finished) => bulk.includes(e.jobId);
  await waitUntil('every cancel arrives', async () => heard.events.filter(isBulk).length >= 600);
  t.equal(new Set(heard.events.filter(isBulk).map((e) => e.jobId)).size, 600, 'each once');
  t.same(
    heard.events.filter((e) => !isBulk(e) && !pings.has(e.jobId)),
    [],
    'and nothing else',
  );
});
