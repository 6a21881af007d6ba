// Times Postgres stores but JavaScript cannot hold (after the year 275760, or 'infinity') must
// not turn the worker's timers into busy loops. A DBA (or a bulk import) adds such jobs directly
// in SQL, as the table owner, past every check the API makes.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { epochMs, MAX_TIMER_MS, timerDelay } from '../src/worker/timers.ts';
import { createTestPool } from '../support/database.ts';
import { createUser, importBooking } from '../support/factories.ts';
import { runCli } from '../support/processes.ts';
import { waitUntil } from '../support/waiting.ts';

const { pool, ...db } = await createTestPool(t, 4);

t.test('a delay a timer cannot wait for becomes the longest it can', async (t) => {
  t.equal(timerDelay(1_500), 1_500);
  t.equal(timerDelay(-20), 0, 'overdue: at once');
  t.equal(timerDelay(Number.NaN), MAX_TIMER_MS, 'an unreadable time is far away, not now');
  t.equal(timerDelay(Number.POSITIVE_INFINITY), MAX_TIMER_MS);
  t.equal(timerDelay(30 * 86_400_000), MAX_TIMER_MS, '30 days is more than a timer waits');

  // What pg makes of Postgres's extreme times.
  const { rows } = await pool.query(
    `select '294276-01-01'::timestamptz as far, 'infinity'::timestamptz as infinite,
            '10000-01-01'::timestamptz as year10000`,
  );
  t.equal(epochMs(rows[0].far), Number.POSITIVE_INFINITY, 'an Invalid Date is later than any');
  t.equal(epochMs(rows[0].infinite), Number.POSITIVE_INFINITY);
  t.equal(epochMs(rows[0].year10000), Date.UTC(10000, 0, 1));
});

/** commitsIn counts the transactions committed in this test's database during `ms`. */
async function commitsIn(ms: number): Promise<number> {
  const count = async () => {
    const { rows } = await pool.query<{ commits: string }>(
      'select xact_commit as commits from pg_stat_database where datname = current_database()',
    );
    return Number(rows[0]?.commits);
  };
  const before = await count();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (await count()) - before;
}

t.test('a job due after JavaScript’s last date does not make the worker spin', async (t) => {
  const worker = runCli(t, ['worker'], { DATABASE_URL: db.url });
  await worker.waitFor(/Worker connected and looking for jobs/);
  t.teardown(async () => {
    worker.child.kill('SIGTERM');
    await worker.exited;
  });

  // The same window with nothing but the crontab and the heartbeat, for comparison. A busy
  // loop commits thousands of times in it (the bug this guards against: 5,700 per 10 s).
  // Postgres counts an idle backend's commits up to 10 s late (PGSTAT_IDLE_INTERVAL): let the
  // worker's startup be counted before the first window.
  const WINDOW_MS = 5_000;
  await commitsIn(10_000);
  const quiet = await commitsIn(WINDOW_MS);
  const counted: Record<string, number> = {};

  for (const runAt of ['294276-01-01', 'infinity']) {
    const { rows } = await pool.query<{ id: string }>(
      `select id from graphile_worker.add_job('start_sessions_timer', json_build_object('bookingId', $1::text),
         run_at := $2::timestamptz, job_key := 'far-future')`,
      [randomUUID(), runAt],
    );
    const far = await commitsIn(WINDOW_MS);
    counted[runAt] = far;
    t.ok(
      far <= 3 * quiet + 100,
      `with a job due at ${runAt}: ${far} commits in ${WINDOW_MS} ms, against ${quiet} without`,
    );

    // The wake-up still works for jobs that are due: a session starts at its time.
    const student = await createUser(pool, 'student');
    const tutor = await createUser(pool, 'tutor');
    const booking = await importBooking(pool, student, tutor, {
      state: 'scheduled',
      startsAt: new Date(Date.now() + 1_000),
      endsAt: new Date(Date.now() + 3_600_000),
    });
    await waitUntil('the session starts', async () => {
      const started = await pool.query('select state from app_public.bookings where id = $1', [
        booking.id,
      ]);
      return started.rows[0]?.state === 'active';
    });
    await pool.query('select graphile_worker.remove_job($1)', ['far-future']);
    t.ok(rows[0]?.id, 'the far job was added and is gone again');
  }
  const after = await commitsIn(WINDOW_MS);
  t.comment(
    `commits per ${WINDOW_MS} ms: ${quiet} before, ${JSON.stringify(counted)} with a far job, ${after} after`,
  );
  t.notMatch(worker.output(), /"level":50/, 'no errors logged');
});
