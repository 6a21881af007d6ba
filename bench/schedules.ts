// Scenario 9: runtime schedules. BENCH_SCHEDULES_N (10,000) interval schedules of the
// notify_user kind (each occurrence queues and delivers one notification, log channel), their
// first occurrences spread evenly over one interval, one `schoolbell worker` with the defaults.
// Two intervals side by side, the same schedules asked for more each time: one the worker keeps
// up with, one it cannot. After one interval of warm-up, over the next WINDOW_INTERVALS: the runs
// per second (and the occurrences they stand for: a run that was late past another occurrence
// coalesces it) against what the schedules ask for, and each run's lateness (its transaction's
// start minus its occurrence). What 10,000 schedules cost while their next run is hours away is
// a row of the idle scenario (bench/idle.ts), in the same window as an empty database.
import { spawnRole } from '../support/processes.ts';
import { waitUntil } from '../support/waiting.ts';
import { format, freshDatabase, insertSchedules, sleep, summarize, table } from './lib.ts';

const N = Number(process.env.BENCH_SCHEDULES_N ?? 10_000);
const WINDOW_INTERVALS = 2;

interface Variant {
  readonly name: string;
  readonly everySeconds: number;
}

const VARIANTS: Variant[] = [
  { name: 'every 60 s', everySeconds: 60 },
  { name: 'every 10 s', everySeconds: 10 },
];

export async function schedules(): Promise<string> {
  const rows: Array<Array<string | number>> = [];
  const lines: string[] = [];
  for (const variant of VARIANTS) {
    const db = await freshDatabase();
    try {
      const lead = 10;
      await insertSchedules(db, N, variant.everySeconds, lead);
      const worker = await spawnRole('worker', {
        DATABASE_URL: db.url,
        LOG_LEVEL: 'warn',
        // The 10-second variant is under the default minimum (checked when the API writes one).
        SCHEDULE_MIN_INTERVAL: '1 second',
      });
      const every = variant.everySeconds * 1000;
      const { rows: first } = await db.pool.query<{ at: Date }>(
        'select min(starts_at) as at from app_public.schedules',
      );
      const windowStart = (first[0] as { at: Date }).at.getTime() + every;
      const windowEnd = windowStart + WINDOW_INTERVALS * every;
      try {
        await sleep(Math.max(0, windowEnd - Date.now()));
        // Every run that started inside the window has committed (or it is not in the window).
        await waitUntil(
          'the runs started in the window have committed',
          async () => {
            const { rows: open } = await db.pool.query<{ n: number }>(
              `select count(*)::int as n from graphile_worker._private_jobs
             where locked_at is not null and locked_at < to_timestamp($1 / 1000.0)`,
              [windowEnd],
            );
            return open[0]?.n === 0;
          },
          60_000,
        );
      } finally {
        await worker.stop();
      }
      const { rows: runs } = await db.pool.query<{ late: number; coalesced: number }>(
        `select extract(epoch from ran_at - occurrence) * 1000 as late, coalesced
         from app_public.schedule_runs
         where ran_at >= to_timestamp($1 / 1000.0) and ran_at < to_timestamp($2 / 1000.0)
           and outcome = 'ran'`,
        [windowStart, windowEnd],
      );
      const seconds = (windowEnd - windowStart) / 1000;
      const asked = N / variant.everySeconds;
      const perSecond = runs.length / seconds;
      const covered = runs.reduce((sum, run) => sum + Number(run.coalesced), 0) / seconds;
      const late = summarize(runs.map((run) => Number(run.late)));
      rows.push([
        `${N.toLocaleString('en')} schedules ${variant.name}`,
        asked,
        perSecond,
        covered,
        late.p50,
        late.p99,
        late.max,
      ]);
      lines.push(
        `${variant.name}: ${format(perSecond / asked)} of what the schedules ask for ran (runs/s ÷ asked/s)`,
      );
    } finally {
      await db.drop();
    }
  }
  let md = table(
    `9. Runtime schedules: ${N.toLocaleString('en')} interval schedules (notify_user, log channel), one \`schoolbell worker\` with the defaults, ${WINDOW_INTERVALS} intervals after one of warm-up; lateness = the run's transaction start minus its occurrence (ms)`,
    ['schedules', 'asked/s', 'runs/s', 'occurrences/s', 'p50', 'p99', 'max'],
    rows,
  );
  for (const line of lines) console.log(`  ${line}`);
  md += `\n${lines.map((l) => `- ${l}`).join('\n')}\n`;
  return md;
}
