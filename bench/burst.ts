// Scenario: a burst. N sessions start at one instant (on the hour) and the same N end at one
// instant. How late is each move, and how many commits does each booking cost? schoolbell's
// instant timers (one job per instant, moving its bookings set-wise) against a set-based sweep
// run exactly at the instant and ADR-006's per-minute loop (one transaction per booking, its
// tick on the minute of the instant: its best case), one after the other in the same run. Then
// single sessions, each at an instant of its own, on the same worker.
import pg from 'pg';
import { sweepBatch } from '../src/db/queries.ts';
import { spawnRole } from '../support/processes.ts';
import { waitUntil } from '../support/waiting.ts';
import { type BenchDatabase, freshDatabase, people, sleep, summarize, table } from './lib.ts';

const N = Number(process.env.BENCH_BURST_N ?? 5000);
const SINGLES = Number(process.env.BENCH_BURST_SINGLES ?? 100);
const BATCH = 500;
const GRACE = '1 second';

type Move = 'active' | 'ended';

interface Result {
  name: string;
  start: ReturnType<typeof summarize>;
  end: ReturnType<typeof summarize>;
  commitsPerBooking: number;
}

/** commits reads the database's committed transactions (published by Postgres about once a second). */
async function commits(db: BenchDatabase): Promise<number> {
  const { rows } = await db.pool.query(
    'select xact_commit from pg_stat_database where datname = current_database()',
  );
  return Number(rows[0].xact_commit);
}

/** untilDbTime waits until the database's clock has reached `at`. */
async function untilDbTime(db: BenchDatabase, at: Date): Promise<number> {
  let polls = 1;
  const { rows } = await db.pool.query<{ ms: number }>(
    'select extract(epoch from $1::timestamptz - clock_timestamp()) * 1000 as ms',
    [at],
  );
  const ms = Number(rows[0]?.ms);
  if (ms > 5) await sleep(ms - 5);
  for (;;) {
    polls++;
    const { rows: due } = await db.pool.query('select clock_timestamp() >= $1 as due', [at]);
    if (due[0].due) return polls;
    await sleep(1);
  }
}

/** setUp makes a database with N tutors and their sessions at `startsAt`, all ending due at `endDue`. */
async function setUp(
  timers: boolean,
): Promise<{ db: BenchDatabase; student: string; tutors: string[] }> {
  const db = await freshDatabase({ END_GRACE: GRACE });
  const { student, tutors } = await people(db.pool, N + SINGLES);
  await db.pool.query("update app_private.settings set value = $1 where name = 'booking_timers'", [
    timers ? 'on' : 'off',
  ]);
  return { db, student, tutors };
}

/**
 * book inserts the sessions one by one, as the API makes them (each joins the timer of their
 * shared instant), an hour ahead; then, once they all exist, moves them to the burst's instants
 * in one statement (a bulk reschedule), so that the burst does not depend on how long booking
 * took. Returns the instants.
 */
async function book(
  db: BenchDatabase,
  student: string,
  tutors: string[],
  instants: (now: number) => { startsAt: Date; endDue: Date },
): Promise<{ startsAt: Date; endDue: Date }> {
  // A client of its own, closed after: a backend publishes its counters when it exits.
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const later = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 3_600_000);
    for (const tutor of tutors) {
      await client.query(
        `insert into app_public.bookings (student_id, tutor_id, subject, state, starts_at, ends_at, expires_at)
         values ($1, $2, 'Burst', 'scheduled', $3, $3::timestamptz + interval '30 minutes', $3)`,
        [student, tutor, later],
      );
    }
    await client.query('vacuum analyze app_public.bookings');
    const { startsAt, endDue } = instants(Date.now() + 14_000);
    await client.query(
      `update app_public.bookings set starts_at = $1, ends_at = $2::timestamptz - $3::interval
        where subject = 'Burst'`,
      [startsAt, endDue, GRACE],
    );
    return { startsAt, endDue };
  } finally {
    await client.end();
  }
}

/** lateness of each move to `to` of the burst's bookings, in ms after its due time. */
async function lateness(db: BenchDatabase, to: Move): Promise<ReturnType<typeof summarize>> {
  const { rows } = await db.pool.query<{ ms: number }>(
    `select extract(epoch from e.created_at - case when $1 = 'active' then b.starts_at else b.ends_at + $2::interval end) * 1000 as ms
       from app_public.booking_events e join app_public.bookings b on b.id = e.booking_id
      where e.to_state = $1::app_public.booking_state and b.subject = 'Burst'`,
    [to, GRACE],
  );
  return summarize(rows.map((r) => Number(r.ms)));
}

async function countIn(db: BenchDatabase, state: Move): Promise<number> {
  const { rows } = await db.pool.query(
    "select count(*)::int as n from app_public.bookings where subject = 'Burst' and state = $1",
    [state],
  );
  return rows[0].n;
}

/** run books the burst, lets `move` do both transitions at their instants, and measures. */
async function run(
  name: string,
  timers: boolean,
  instants: (now: number) => { startsAt: Date; endDue: Date },
  move: (db: BenchDatabase, to: Move, at: Date) => Promise<number>,
  worker?: Record<string, string>,
): Promise<
  Result & { db: BenchDatabase; student: string; tutors: string[]; stop: () => Promise<void> }
> {
  const { db, student, tutors } = await setUp(timers);
  const service = worker
    ? await spawnRole('worker', {
        DATABASE_URL: db.url,
        LOG_LEVEL: 'warn',
        END_GRACE: GRACE,
        ...worker,
      })
    : undefined;
  const { startsAt, endDue } = await book(db, student, tutors.slice(0, N), instants);
  console.log(
    `  ${name}: ${N} sessions start at ${startsAt.toISOString()}, end due ${endDue.toISOString()}`,
  );
  await sleep(Math.max(1_200, startsAt.getTime() - Date.now() - 1_000));
  const before = await commits(db);
  let ownQueries = 1;
  ownQueries += await move(db, 'active', startsAt);
  ownQueries += await move(db, 'ended', endDue);
  // Postgres publishes a backend's counters at most once a second, an idle one's after 10 s.
  await sleep(11_000);
  const after = await commits(db);
  ownQueries += 1;
  return {
    name,
    start: await lateness(db, 'active'),
    end: await lateness(db, 'ended'),
    commitsPerBooking: (after - before - ownQueries) / N,
    db,
    student,
    tutors,
    stop: async () => {
      await service?.stop();
    },
  };
}

/** waitForAll waits until every burst booking is in `to` (the worker moves them); returns its queries. */
async function waitForAll(db: BenchDatabase, to: Move): Promise<number> {
  let polls = 0;
  await waitUntil(
    `${N} bookings ${to}`,
    async () => {
      polls++;
      return (await countIn(db, to)) === N;
    },
    120_000,
  );
  return polls;
}

export async function burst(): Promise<string> {
  const results: Result[] = [];
  let singles: ReturnType<typeof summarize> | undefined;

  // schoolbell: the worker's instant timers.
  const ours = await run(
    'schoolbell (instant timers)',
    true,
    (now) => ({ startsAt: new Date(now), endDue: new Date(now + 20_000) }),
    (db, to) => waitForAll(db, to),
    { WORKER_CONCURRENCY: '10', DATABASE_POOL_SIZE: '14' },
  );
  try {
    results.push(ours);
    // Single sessions on the same worker: each at an instant of its own, 200 ms apart.
    const first = Date.now() + 5_000;
    await ours.db.pool.query(
      `insert into app_public.bookings (student_id, tutor_id, subject, state, starts_at, ends_at, expires_at)
       select $1, t.id, 'Single', 'scheduled', to_timestamp(($2::float8 + (t.n - 1) * 200) / 1000),
              to_timestamp(($2::float8 + (t.n - 1) * 200) / 1000) + interval '1 hour', now()
       from unnest($3::uuid[]) with ordinality t(id, n)`,
      [ours.student, first, ours.tutors.slice(N)],
    );
    await waitUntil(
      'every single session active',
      async () =>
        (
          await ours.db.pool.query(
            "select count(*)::int as n from app_public.bookings where subject = 'Single' and state = 'active'",
          )
        ).rows[0].n === SINGLES,
      60_000 + SINGLES * 200,
    );
    const { rows } = await ours.db.pool.query<{ ms: number }>(
      `select extract(epoch from e.created_at - b.starts_at) * 1000 as ms
         from app_public.booking_events e join app_public.bookings b on b.id = e.booking_id
        where e.to_state = 'active' and b.subject = 'Single'`,
    );
    singles = summarize(rows.map((r) => Number(r.ms)));
  } finally {
    await ours.stop();
    await ours.db.drop();
  }

  // A set-based sweep run at the instant, batches of 500 (timers on: it schedules the end timers too).
  const sweep = await run(
    `set-based sweep at the instant (batches of ${BATCH})`,
    true,
    (now) => ({ startsAt: new Date(now), endDue: new Date(now + 20_000) }),
    async (db, to, at) => {
      // The booking sweep of this move, from the table of deadlines.
      const { rows } = await db.pool.query<{ task: string }>(
        'select sweep_task as task from app_private.booking_deadlines where to_state = $1',
        [to],
      );
      const task = (rows[0] as { task: string }).task;
      let queries = await untilDbTime(db, at);
      for (;;) {
        queries++;
        if ((await sweepBatch(db.pool, task, BATCH)) < BATCH) break;
      }
      return queries + (await waitForAll(db, to));
    },
  );
  results.push(sweep);
  await sweep.db.drop();

  // ADR-006: a per-minute tick, on the minute of the instant; one transaction per booking.
  const minute = (ms: number) => Math.ceil(ms / 60_000) * 60_000;
  const adr = await run(
    'ADR-006 per-minute loop (tick at the instant)',
    false,
    (now) => ({ startsAt: new Date(minute(now)), endDue: new Date(minute(now) + 60_000) }),
    async (db, to, at) => {
      let queries = await untilDbTime(db, at);
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const due =
          to === 'active'
            ? "select id from app_public.bookings where state = 'scheduled' and starts_at <= now()"
            : `select id from app_public.bookings where state = 'active' and ends_at + '${GRACE}'::interval <= now()`;
        const { rows } = await client.query<{ id: string }>(due);
        queries++;
        for (const { id } of rows) {
          await client.query('begin');
          try {
            await client.query(
              'select 1 from app_public.bookings where id = $1 and state = $2 for update nowait',
              [id, to === 'active' ? 'scheduled' : 'active'],
            );
            await client.query("select set_config('schoolbell.actor', 'adr-006', true)");
            await client.query('update app_public.bookings set state = $2 where id = $1', [id, to]);
            await client.query('commit');
          } catch {
            await client.query('rollback');
          }
        }
      } finally {
        await client.end();
      }
      return queries + (await waitForAll(db, to));
    },
  );
  results.push(adr);
  await adr.db.drop();

  const rows = results.flatMap((r) => [
    [r.name, 'start', r.start.n, r.start.p50, r.start.p99, r.start.max, r.commitsPerBooking],
    [r.name, 'end', r.end.n, r.end.p50, r.end.p99, r.end.max, ''],
  ]);
  let md = table(
    `Burst: ${N} sessions start at one instant, then end at one instant: lateness (ms)`,
    ['approach', 'move', 'bookings', 'p50', 'p99', 'max', 'commits/booking (both moves)'],
    rows,
  );
  const [o, s, a] = results as [Result, Result, Result];
  const single = singles as ReturnType<typeof summarize>;
  md += `\n${table(
    `Single sessions on the same worker, each at its own instant (${SINGLES}, 200 ms apart): lateness (ms)`,
    ['approach', 'sessions', 'p50', 'p99', 'max'],
    [['schoolbell (instant timers)', single.n, single.p50, single.p99, single.max]],
  )}`;
  const lines = [
    `p99 against the sweep at the instant: start ${(o.start.p99 / s.start.p99).toFixed(2)}×, end ${(o.end.p99 / s.end.p99).toFixed(2)}×; against ADR-006's loop: start ${(a.start.p99 / o.start.p99).toFixed(1)}× faster, end ${(a.end.p99 / o.end.p99).toFixed(1)}× faster`,
    `goal burst p99 ≤ 1 s: start ${o.start.p99 <= 1000 ? 'met' : 'NOT met'} (${o.start.p99.toFixed(0)} ms), end ${o.end.p99 <= 1000 ? 'met' : 'NOT met'} (${o.end.p99.toFixed(0)} ms)`,
    `goal single booking p99 < 50 ms: ${single.p99 < 50 ? 'met' : 'NOT met'} (${single.p99.toFixed(1)} ms)`,
    "commits per booking: every transaction committed on the database from the start instant to the end (both moves, the worker's own polling and heartbeats included), less the benchmark's own queries, divided by the bookings",
  ];
  for (const line of lines) console.log(`  ${line}`);
  md += `\n${lines.map((l) => `- ${l}`).join('\n')}\n`;
  return md;
}
