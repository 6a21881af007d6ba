// Several workers against one database, nothing else to coordinate them: crashes are
// survived, every job runs once, every crontab tick fires once.
import t, { type Test } from 'tap';
import { createTestPool } from '../support/database.ts';
import { createUser, importBooking } from '../support/factories.ts';
import { runCli } from '../support/processes.ts';
import { startWebhookReceiver } from '../support/receivers.ts';
import { waitUntil } from '../support/waiting.ts';

async function setup(t: Test, delayFirst = false) {
  const { pool, ...db } = await createTestPool(t, 4);
  const seen = new Set<string>();
  // With delayFirst, the first attempt at each message hangs for 10 s (the worker dies meanwhile).
  const gateway = await startWebhookReceiver(t, {
    delayMs: (call) => {
      const first = !seen.has(call.body.id);
      seen.add(call.body.id);
      return delayFirst && first ? 10_000 : 0;
    },
  });
  const env = {
    DATABASE_URL: db.url,
    WEBHOOK_URL: gateway.url,
    WEBHOOK_SECRET: 'replicas-secret-0123456789',
    WORKER_DEAD_AFTER: '3 seconds',
    WORKER_CONCURRENCY: '2',
  };
  const student = await createUser(pool, 'student');
  /** notify puts n messages in the outbox, due now, each with its job. */
  const notify = async (n: number, message: string) => {
    const { rows } = await pool.query(
      `with made as (
         insert into app_public.notifications (recipient_id, channel, message, run_at)
         select $1, 'webhook', $2 || ' #' || i, now() from generate_series(1, $3) i returning *
       )
       select m.id, app_private.schedule_notification_job(m) from made m`,
      [student.id, message, n],
    );
    return rows.map((r) => r.id as string);
  };
  return { pool, gateway, env, notify };
}

t.test('kill -9 a worker mid-job: a survivor completes it within WORKER_DEAD_AFTER', async (t) => {
  const { pool, gateway, env, notify } = await setup(t, true);
  const doomed = runCli(t, ['worker'], env);
  await doomed.waitFor(/Worker connected/);
  const [id] = await notify(1, 'Interrupted');
  await waitUntil('the doomed worker is delivering', async () => gateway.calls.length === 1);

  const survivor = runCli(t, ['worker'], env);
  await survivor.waitFor(/Worker connected/);
  const killedAt = Date.now();
  doomed.child.kill('SIGKILL');

  const sent = await waitUntil('the survivor delivers', async () => {
    const { rows } = await pool.query(
      "select sent_at from app_public.notifications where id = $1 and state = 'sent'",
      [id],
    );
    return rows[0]?.sent_at as Date | undefined;
  });
  const took = sent.getTime() - killedAt;
  t.ok(
    took < 6_000,
    `delivered ${took} ms after the kill (threshold 3 s, heartbeats every 0.75 s)`,
  );
  t.equal(gateway.calls.length, 2, 'sent again once, with the same idempotency key');
  t.equal(
    gateway.calls[0]?.headers['idempotency-key'],
    gateway.calls[1]?.headers['idempotency-key'],
  );

  const history = await waitUntil('the history has both attempts', async () => {
    const { rows } = await pool.query(
      "select outcome, worker_id from app_private.job_history where task = 'send_notification' order by id",
    );
    return rows.length === 2 ? rows : undefined;
  });
  t.match(history, [{ outcome: 'crashed' }, { outcome: 'success' }]);
  t.not(history[0].worker_id, history[1].worker_id, 'the survivor ran it');
  survivor.child.kill('SIGTERM');
  t.equal(await survivor.exited, 0);
});

t.test(
  'three workers: every job runs once, every cron tick fires once, a stopped one loses nothing',
  async (t) => {
    const { pool, gateway, env, notify } = await setup(t);
    const workers = [
      runCli(t, ['worker'], env),
      runCli(t, ['worker'], env),
      runCli(t, ['worker'], env),
    ];
    for (const worker of workers) await worker.waitFor(/Worker connected/);

    const ids = await notify(90, 'Term news');
    await waitUntil('a third is delivered', async () => gateway.calls.length >= 30);
    workers[1]?.child.kill('SIGTERM');
    t.equal(await workers[1]?.exited, 0, 'one worker stops cleanly mid-way');
    await waitUntil('all are delivered', async () => {
      const { rows } = await pool.query(
        "select count(*)::int as n from app_public.notifications where id = any($1) and state = 'sent'",
        [ids],
      );
      return rows[0].n === ids.length;
    });
    const keys = gateway.calls.map((call) => call.headers['idempotency-key']);
    t.equal(keys.length, ids.length, 'each message reached the gateway once');
    t.equal(new Set(keys).size, ids.length, 'no duplicates');
    const runners = await waitUntil('the history is written', async () => {
      const { rows } = await pool.query(
        "select count(distinct worker_id)::int as workers, count(*)::int as runs from app_private.job_history where task = 'send_notification'",
      );
      return rows[0].runs === ids.length ? rows[0] : undefined;
    });
    t.ok(runners.workers >= 2, `the work was shared (${runners.workers} workers)`);

    // Give the next crontab tick something to do (a sweep that finds nothing leaves no history):
    // a booking overdue to start, imported with the timers off so that only the sweep moves it.
    // Then wait for the tick (at most a minute) and look at what each tick ran.
    await pool.query("update app_private.settings set value = 'off' where name = 'booking_timers'");
    const tutor = await createUser(pool, 'tutor');
    const student = await createUser(pool, 'student');
    await importBooking(pool, student, tutor, {
      state: 'scheduled',
      startsAt: new Date(Date.now() - 60_000),
      endsAt: new Date(Date.now() + 3_600_000),
    });
    await pool.query("update app_private.settings set value = 'on' where name = 'booking_timers'");
    const ticks = await waitUntil(
      'a crontab tick',
      async () => {
        const { rows } = await pool.query(
          `select payload->'_cron'->>'ts' as tick, count(*)::int as runs from app_private.job_history
          where task = 'start_sessions_sweep' and payload->'_cron' is not null group by 1`,
        );
        return rows.length > 0 ? rows : undefined;
      },
      75_000,
    );
    t.ok(
      ticks.every((tick) => tick.runs === 1),
      `each tick ran start_sessions_sweep once (${ticks.length} tick(s))`,
    );
    for (const worker of [workers[0], workers[2]]) {
      worker?.child.kill('SIGTERM');
      t.equal(await worker?.exited, 0);
    }
  },
);
