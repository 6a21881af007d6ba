// Scenario 1: how late do 2,000 sessions start, spread over one minute? schoolbell (timers
// woken at run_at) against graphile-worker's default polling (the same timers, wake-up off)
// and ADR-006 (no timers: the per-minute start_sessions_sweep alone), all in the same run.

import { spawnRole } from '../support/processes.ts';
import { waitUntil } from '../support/waiting.ts';
import { type BenchDatabase, freshDatabase, people, summarize, table } from './lib.ts';

const BOOKINGS = Number(process.env.BENCH_LATENESS_N ?? 2000);

interface Variant {
  readonly name: string;
  readonly env: Record<string, string>;
  readonly timers: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'schoolbell (timers, wake-up at run_at)', env: {}, timers: true },
  {
    name: 'graphile-worker default polling (2 s)',
    env: { WORKER_WAKEUP: 'off', WORKER_POLL_INTERVAL: '2 seconds' },
    timers: true,
  },
  { name: 'ADR-006: per-minute sweep only', env: {}, timers: false },
];

export async function lateness(): Promise<string> {
  const runs: Array<{
    variant: Variant;
    db: BenchDatabase;
    student: string;
    tutors: string[];
    stop: () => Promise<void>;
  }> = [];
  try {
    for (const variant of VARIANTS) {
      const db = await freshDatabase();
      const { tutors, student } = await people(db.pool, BOOKINGS);
      await db.pool.query(
        "update app_private.settings set value = $1 where name = 'booking_timers'",
        [variant.timers ? 'on' : 'off'],
      );
      const worker = await spawnRole('worker', {
        DATABASE_URL: db.url,
        LOG_LEVEL: 'warn',
        WORKER_CONCURRENCY: '10',
        DATABASE_POOL_SIZE: '14',
        ...variant.env,
      });
      runs.push({ variant, db, student, tutors, stop: () => worker.stop() });
    }
    // Every variant gets the same sessions: starting from 20 s from now, spread over a minute.
    const t0 = Date.now() + 20_000;
    for (const { db, student, tutors } of runs) {
      await db.pool.query(
        `insert into app_public.bookings (student_id, tutor_id, subject, state, starts_at, ends_at, expires_at)
         select $1, t.id, 'Bench', 'scheduled', to_timestamp(($2::float8 + (t.n - 1) * 60000.0 / $3) / 1000),
                to_timestamp(($2::float8 + (t.n - 1) * 60000.0 / $3) / 1000) + interval '1 hour', now()
         from unnest($4::uuid[]) with ordinality t(id, n)`,
        [student, t0, BOOKINGS, tutors],
      );
    }
    console.log(
      `  ${BOOKINGS} sessions per variant, starting ${new Date(t0).toISOString()} over 60 s; waiting for them all to start…`,
    );
    for (const { variant, db } of runs) {
      await waitUntil(
        `${variant.name}: every session active`,
        async () =>
          (
            await db.pool.query(
              "select count(*)::int as n from app_public.bookings where state = 'active'",
            )
          ).rows[0].n === BOOKINGS,
        200_000,
      );
    }

    const rows: Array<Array<string | number>> = [];
    const results: Record<string, { p99: number }> = {};
    for (const { variant, db } of runs) {
      const { rows: late } = await db.pool.query<{ ms: number }>(
        `select extract(epoch from e.created_at - b.starts_at) * 1000 as ms
           from app_public.booking_events e join app_public.bookings b on b.id = e.booking_id
          where e.to_state = 'active'`,
      );
      const s = summarize(late.map((r) => Number(r.ms)));
      results[variant.name] = s;
      rows.push([variant.name, s.n, s.p50, s.p99, s.max]);
    }

    const schoolbell = results[VARIANTS[0]?.name as string] as { p99: number };
    const polling = results[VARIANTS[1]?.name as string] as { p99: number };
    const adr = results[VARIANTS[2]?.name as string] as { p99: number };
    let md = table(
      '1. Lateness: transition time minus due time (ms)',
      ['approach', 'sessions', 'p50', 'p99', 'max'],
      rows,
    );
    const lines = [
      `p99 ratio: polling/schoolbell = ${(polling.p99 / schoolbell.p99).toFixed(1)}×, ADR-006/schoolbell = ${(adr.p99 / schoolbell.p99).toFixed(0)}×`,
      `goal p99 < 100 ms: ${schoolbell.p99 < 100 ? 'met' : 'NOT met'} (${schoolbell.p99.toFixed(1)} ms)`,
    ];
    for (const line of lines) console.log(`  ${line}`);
    md += `\n${lines.map((l) => `- ${l}`).join('\n')}\n`;
    return md;
  } finally {
    for (const run of runs) {
      await run.stop();
      await run.db.drop();
    }
  }
}
