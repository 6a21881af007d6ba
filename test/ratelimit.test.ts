// Channel rate limits on real workers and a real local gateway: a burst to a limited webhook
// waits its turn across two replicas instead of failing, and a gateway's 429 slows the channel
// down; neither spends a delivery attempt, and nothing is delivered twice.
import t from 'tap';
import { BUSY_DEFAULT_MS, BUSY_MAX_MS, retryAfterMs } from '../src/notifications/channels.ts';
import { createTestPool } from '../support/database.ts';
import { asUser, createUser } from '../support/factories.ts';
import { runCli } from '../support/processes.ts';
import { startWebhookReceiver, type WebhookCall } from '../support/receivers.ts';
import { waitUntil } from '../support/waiting.ts';

const { pool, ...db } = await createTestPool(t, 4);

// The gateway answers 429 (Retry-After: 2) to the first call for a message that asks for it.
// arrivals[i] is when gateway.calls[i] came.
const arrivals: number[] = [];
const refused = new Set<string>();
const tooMany = new WeakSet<WebhookCall>();
const gateway = await startWebhookReceiver(t, {
  status: (call) => {
    arrivals.push(Date.now());
    if (!call.body.message.startsWith('busy') || refused.has(call.body.id)) return 200;
    refused.add(call.body.id);
    tooMany.add(call);
    return 429;
  },
  headers: (call): Record<string, string> => (tooMany.has(call) ? { 'retry-after': '2' } : {}),
});

const RATE = 50;
const env = {
  DATABASE_URL: db.url,
  WEBHOOK_URL: gateway.url,
  WEBHOOK_SECRET: 'ratelimit-secret-0123456789',
  WORKER_CONCURRENCY: '5',
  CHANNEL_RATES: `webhook=${RATE}/second`,
};
// Two replicas share the channel's rate through Postgres.
const workers = [runCli(t, ['worker'], env), runCli(t, ['worker'], env)];
for (const worker of workers) await worker.waitFor(/Worker connected/);

const admin = await createUser(pool, 'admin');
const student = await createUser(pool, 'student');

/** notify schedules n webhook messages due now, through the admin API's SQL function. */
const notify = (n: number, message: string) =>
  asUser(
    pool,
    admin,
    async (client) => {
      const { rows } = await client.query<{ id: string }>(
        `select s.id from generate_series(1, $3::int) i,
           app_public.schedule_notification($1, 'webhook', $2 || ' #' || i) s`,
        [student.id, message, n],
      );
      return rows.map((row) => row.id);
    },
    { commit: true },
  );

const allSent = (ids: string[], timeoutMs = 30_000) =>
  waitUntil(
    `${ids.length} notifications are sent`,
    async () => {
      const { rows } = await pool.query<{ n: number }>(
        "select count(*)::int as n from app_public.notifications where id = any($1) and state = 'sent'",
        [ids],
      );
      return rows[0]?.n === ids.length;
    },
    timeoutMs,
  );

const attempts = async (ids: string[]) =>
  (
    await pool.query<{ attempts: number; n: number }>(
      'select attempts, count(*)::int as n from app_public.notifications where id = any($1) group by 1',
      [ids],
    )
  ).rows;

const failedRuns = async () =>
  (
    await pool.query<{ n: number }>(
      "select count(*)::int as n from app_private.job_history where task = 'send_notification' and outcome <> 'success'",
    )
  ).rows[0]?.n;

t.test('a burst of 500 to a webhook limited to 50/second waits its turn', async (t) => {
  const ids = await notify(500, 'Term news');
  await allSent(ids, 60_000);

  const keys = gateway.calls.map((call) => call.headers['idempotency-key']);
  t.equal(keys.length, 500, 'all 500 arrived');
  t.equal(new Set(keys).size, 500, 'none twice');

  // The busiest one-second window of arrivals. A delivery goes only 20 ms after the channel's
  // previous one (10 ms leeway), whether its job ran on time or late, and the gateway sees each
  // a little after it was sent: we allow 10% over the rate, 55 at 50/s.
  const times = [...arrivals].sort((a, b) => a - b);
  let busiest = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[j] as number) <= (times[i] as number) - 1000) j++;
    busiest = Math.max(busiest, i - j + 1);
  }
  const most = Math.floor(RATE * 1.1);
  t.ok(busiest <= most, `at most ${most} in any second (busiest: ${busiest})`);
  const spread = (times.at(-1) as number) - (times[0] as number);
  t.ok(spread >= 9_000, `spread over the ten seconds 500 take at 50/s (${spread} ms)`);

  t.same(await attempts(ids), [{ attempts: 1, n: 500 }], 'each took one attempt, its delivery');
  t.equal(await failedRuns(), 0, 'no job failed: waiting is no failure');
  const { rows } = await pool.query<{ workers: number }>(
    "select count(distinct worker_id)::int as workers from app_private.job_history where task = 'send_notification'",
  );
  t.equal(rows[0]?.workers, 2, 'both replicas delivered, under one rate');
});

t.test("a gateway's 429 holds the channel for its Retry-After, without an attempt", async (t) => {
  const [id] = await notify(1, 'busy gateway');
  await allSent([id as string]);
  const calls = gateway.calls.filter((call) => call.body.id === id);
  t.equal(calls.length, 2, 'refused once, then delivered');
  const [first, second] = calls.map((call) => call.headers['idempotency-key']);
  t.equal(first, second, 'with the same idempotency key');
  const [refusedAt, deliveredAt] = gateway.calls.flatMap((call, i) =>
    call.body.id === id ? [arrivals[i] as number] : [],
  );
  const waited = (deliveredAt as number) - (refusedAt as number);
  t.ok(waited >= 2_000, `delivered after the Retry-After (${waited} ms later)`);
  t.same(await attempts([id as string]), [{ attempts: 1, n: 1 }], 'the 429 spent no attempt');
  t.equal(await failedRuns(), 0, 'no job failed');
});

t.test('Retry-After: seconds or an HTTP date, bounded, with a default', async (t) => {
  const now = Date.parse('2026-11-24T12:00:00Z');
  t.equal(retryAfterMs('2', now), 2_000);
  t.equal(retryAfterMs(' 120 ', now), 120_000);
  t.equal(retryAfterMs('Tue, 24 Nov 2026 12:00:30 GMT', now), 30_000, 'an HTTP date');
  t.equal(retryAfterMs('Tue, 24 Nov 2026 11:00:00 GMT', now), 0, 'a date passed: now');
  t.equal(retryAfterMs('999999', now), BUSY_MAX_MS, 'at most an hour');
  t.equal(retryAfterMs('Fri, 01 Jan 9999 00:00:00 GMT', now), BUSY_MAX_MS);
  for (const bad of [null, '', '-5', '1.5', 'soon', '1e9', 'Tue, 99 Nov 2026 12:00:30 GMT']) {
    t.equal(retryAfterMs(bad, now), BUSY_DEFAULT_MS, `"${bad}": the default`);
  }
});

t.test(
  'the rate holds at the moment of sending: late jobs neither bunch up nor starve',
  async (t) => {
    // No worker here: the rule itself, with a spacing of an hour so that no clock can race it.
    const { pool: quiet } = await createTestPool(t, 2);
    const admin = await createUser(quiet, 'admin');
    const student = await createUser(quiet, 'student');
    const ids = await asUser(
      quiet,
      admin,
      async (client) =>
        (
          await client.query<{ id: string }>(
            `select s.id from generate_series(1, 4) i,
             app_public.schedule_notification($1, 'webhook', 'rule #' || i) s`,
            [student.id],
          )
        ).rows.map((row) => row.id),
      { commit: true },
    );
    const [first, second, late, newcomer] = ids as [string, string, string, string];
    const spacings = JSON.stringify({ webhook: '1 hour' });
    const ask = async (id: string, reserved: Date | null) =>
      (
        await quiet.query<{ slot: Date | null; now: Date }>(
          'select app_private.take_delivery_slot($1, $2, $3) as slot, clock_timestamp() as now',
          [id, spacings, reserved],
        )
      ).rows[0] as { slot: Date | null; now: Date };
    const hours = (a: Date, b: Date) => (a.getTime() - b.getTime()) / 3_600_000;

    t.equal((await ask(first, null)).slot, null, 'the first goes at once');
    const waiting = await ask(second, null);
    t.ok(
      waiting.slot && Math.abs(hours(waiting.slot, waiting.now) - 1) < 0.01,
      'the next waits an hour',
    );
    // A job that held a slot ten minutes ago runs only now (the workers were busy): the channel
    // delivered within the hour, so it may not go, and takes the next free slot.
    const bunched = await ask(late, new Date(Date.now() - 600_000));
    t.ok(
      bunched.slot && Math.abs(hours(bunched.slot, bunched.now) - 2) < 0.01,
      'a late job does not go right after a delivery: it takes the next slot, in two hours',
    );
    // An hour has passed since the last delivery (as the rule reads it: its clock moved back).
    await quiet.query(
      "update app_private.channel_rates set sent_next_at = clock_timestamp() - interval '1 second'",
    );
    t.equal(
      (await ask(late, new Date(Date.now() - 600_000))).slot,
      null,
      'a job that has waited its turn goes as soon as the rate allows, however late it runs',
    );
    const behind = await ask(newcomer, null);
    t.ok(
      behind.slot && hours(behind.slot, behind.now) > 2.9,
      'a newcomer waits behind the slots already taken',
    );
  },
);
