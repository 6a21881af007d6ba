// The chaos run's invariant checker can fail: each broken promise planted here is caught, and a
// database where nothing went wrong breaks none.
import t, { type Test } from 'tap';
import { checkInvariants, type Delivery, loadDeliveries } from '../chaos/invariants.ts';
import { createTestPool } from '../support/database.ts';
import { createUser, importBooking } from '../support/factories.ts';
import { finished, runCommand } from '../support/processes.ts';

async function check(
  t: Test,
  plant: (db: Awaited<ReturnType<typeof setup>>) => Promise<Delivery[]>,
) {
  const db = await setup(t);
  const deliveries = await plant(db);
  const client = await db.pool.connect();
  try {
    await loadDeliveries(client, deliveries, []);
    const results = await checkInvariants(client);
    return Object.fromEntries(results.map((result) => [result.name, result.held]));
  } finally {
    client.release();
  }
}

async function setup(t: Test) {
  const { pool } = await createTestPool(t, 2);
  const student = await createUser(pool, 'student');
  const tutor = await createUser(pool, 'tutor');
  // A session under way (imported as active, ending in an hour): nothing is due yet.
  const booking = await importBooking(pool, student, tutor, {
    state: 'active',
    startsAt: new Date(Date.now() - 60_000),
    endsAt: new Date(Date.now() + 3_600_000),
  });
  return { pool, student, booking };
}

const everyHeld = {
  'moved once': true,
  'audit agrees': true,
  'due moved': true,
  'never early': true,
  'reminders delivered': true,
  'duplicates explained': true,
  'no dead locks': true,
  'cron ticks once': true,
  'history complete': true,
};

t.test('a database where nothing went wrong breaks no invariant', async (t) => {
  t.same(await check(t, async () => []), everyHeld);
});

t.test('a booking started twice breaks "moved once" and "audit agrees"', async (t) => {
  const held = await check(t, async ({ pool, booking }) => {
    // The audit of a second start, as a timer run twice would write it.
    await pool.query(
      `insert into app_public.booking_events (booking_id, from_state, to_state, actor)
       values ($1, 'scheduled', 'active', app_private.actor('job', 'start_sessions_timer')),
              ($1, 'scheduled', 'active', app_private.actor('job', 'start_sessions_timer'))`,
      [booking.id],
    );
    return [];
  });
  t.same(held, {
    ...everyHeld,
    'moved once': false,
    'audit agrees': false,
    'history complete': false,
  });
});

t.test('a session left running past its end is caught', async (t) => {
  const held = await check(t, async ({ pool, student }) => {
    // Imported as a restored backup would bring it: active, its end an hour past.
    await importBooking(pool, student, await createUser(pool, 'tutor'), {
      state: 'active',
      startsAt: new Date(Date.now() - 7_200_000),
      endsAt: new Date(Date.now() - 3_600_000),
    });
    return [];
  });
  t.same(held, { ...everyHeld, 'due moved': false });
});

t.test('a session ended before its time is caught', async (t) => {
  const held = await check(t, async ({ pool, booking }) => {
    // The audit of an end that came an hour early (the guard refuses the update itself).
    await pool.query(
      `insert into app_public.booking_events (booking_id, from_state, to_state, actor)
       values ($1, 'active', 'ended', app_private.actor('job', 'end_sessions_timer'))`,
      [booking.id],
    );
    return [];
  });
  t.same(held, {
    ...everyHeld,
    'never early': false,
    'audit agrees': false,
    'history complete': false,
  });
});

t.test(
  'a reminder of a started session never sent, or sent and never received, is caught',
  async (t) => {
    const reminder =
      (state: 'pending' | 'sent') =>
      async ({ pool, student, booking }: Awaited<ReturnType<typeof setup>>) => {
        await pool.query(
          `insert into app_public.notifications (recipient_id, booking_id, lead, channel, run_at, state, sent_at)
       values ($1, $2, interval '20 seconds', 'webhook', $3::timestamptz - interval '20 seconds', $4::app_public.notification_state,
               case when $4::app_public.notification_state = 'sent' then now() end)`,
          [student.id, booking.id, booking.starts_at, state],
        );
        return [];
      };
    t.same(await check(t, reminder('pending')), { ...everyHeld, 'reminders delivered': false });
    t.same(await check(t, reminder('sent')), {
      ...everyHeld,
      'reminders delivered': false,
      'history complete': false,
    });
  },
);

t.test('a sent notification whose job run is not in the history is caught', async (t) => {
  const plant = async ({ pool, student }: Awaited<ReturnType<typeof setup>>) => {
    const { rows } = await pool.query(
      `insert into app_public.notifications (recipient_id, channel, message, run_at, state, sent_at)
       values ($1, 'webhook', 'Term news', now(), 'sent', now()) returning id, run_at`,
      [student.id],
    );
    const { id, run_at: runAt } = rows[0] as { id: string; run_at: Date };
    return [{ key: `${id}:${runAt.toISOString()}`, at: Date.now() }];
  };
  t.same(await check(t, plant), { ...everyHeld, 'history complete': false });
});

t.test('a notification delivered twice with no interrupted attempt is caught', async (t) => {
  const plant =
    (interrupted: boolean) =>
    async ({ pool, student }: Awaited<ReturnType<typeof setup>>) => {
      const { rows } = await pool.query(
        `insert into app_public.notifications (recipient_id, channel, message, run_at)
       values ($1, 'webhook', 'Term news', now()) returning id, run_at`,
        [student.id],
      );
      const { id, run_at: runAt } = rows[0] as { id: string; run_at: Date };
      if (interrupted)
        await pool.query(
          `insert into app_private.job_history (job_id, task, job_key, attempt, finished_at, outcome)
         values (1, 'send_notification', app_private.notification_job_key($1), 1, now(), 'crashed')`,
          [id],
        );
      const key = `${id}:${runAt.toISOString()}`;
      return [
        { key, at: Date.now() },
        { key, at: Date.now() },
      ];
    };
  t.same(await check(t, plant(false)), { ...everyHeld, 'duplicates explained': false });
  t.same(await check(t, plant(true)), everyHeld, 'the same, after a crashed attempt');
});

t.test('a delivery without an idempotency key is caught', async (t) => {
  const held = await check(t, async () => [{ key: undefined, at: Date.now() }]);
  t.same(held, { ...everyHeld, 'duplicates explained': false });
});

t.test('a job locked by a worker that is gone is caught', async (t) => {
  const held = await check(t, async ({ pool }) => {
    await pool.query("select graphile_worker.add_job('prune_job_history', '{}'::json)");
    await pool.query(
      "update graphile_worker._private_jobs set locked_by = 'worker-gone', locked_at = now()",
    );
    return [];
  });
  t.same(held, { ...everyHeld, 'no dead locks': false });
});

t.test('a crontab tick that ran twice is caught', async (t) => {
  const held = await check(t, async ({ pool }) => {
    await pool.query(
      `insert into app_private.job_history (job_id, task, attempt, finished_at, outcome, payload)
       select n, 'start_sessions_sweep', 1, now(), 'success', '{"_cron": {"ts": "2026-01-01T00:00:00Z"}}'::json
       from generate_series(1, 2) n`,
    );
    return [];
  });
  t.same(held, { ...everyHeld, 'cron ticks once': false });
});

t.test('npm run chaos refuses bad arguments before it starts anything, naming them', async (t) => {
  for (const [args, wanted] of [
    [[], /--minutes must be a number from 1 to 1440, got nothing \[BADIN\]/],
    [['--minutes', '3', '--seed', 'x'], /--seed must be a whole number, got x \[BADIN\]/],
    [['--minutes', '3', '--json', 'no/such/folder/run.json'], /folder that does not exist/],
    [['--minutes', '3', '--every', '5'], /--every must be 50 to 60000 milliseconds/],
  ] as const) {
    const run = runCommand(t, process.execPath, ['chaos/run.ts', ...args], {});
    t.equal(await finished(run), 2, args.join(' ') || '(no arguments)');
    t.match(run.stderr(), wanted);
  }
});
