// Scenario: a backlog of 100,000 overdue sessions with no timers (an outage, a bulk import, a
// restored backup), swept to active with the timers on, so that every batch also schedules the
// end timers of what it moved. Bookings per second in each 10,000-booking window: flat, or
// decaying with the backlog? Against ADR-006's loop (one transaction per booking, NOWAIT) and
// the same sweep with the timers switched off, on 10,000-booking samples in the same run.
import type pg from 'pg';
import { sweepBatch } from '../src/db/queries.ts';
import { adrLoop, freshDatabase, overdue, table } from './lib.ts';

const N = Number(process.env.BENCH_BACKLOG_N ?? 100_000);
const SAMPLE = Number(process.env.BENCH_BACKLOG_SAMPLE ?? 10_000);
const WINDOW = Number(process.env.BENCH_BACKLOG_WINDOW ?? 10_000);
const BATCH = Number(process.env.BENCH_BACKLOG_BATCH ?? 500);
// BENCH_BACKLOG_PLAN=auto measures without schoolbell's plan settings for graphile-worker's
// functions (plan_cache_mode = force_custom_plan, enable_seqscan = off): its plans cached
// generic on the sweep's connections, and a scan of the jobs table in each add_jobs.
const PLAN = process.env.BENCH_BACKLOG_PLAN === 'auto' ? 'auto' : 'schoolbell';

/** sweepAll runs the sweep until a batch comes back short; returns the seconds each window took. */
async function sweepAll(pool: pg.Pool): Promise<{ moved: number; windows: number[] }> {
  const windows: number[] = [];
  let moved = 0;
  let windowStart = process.hrtime.bigint();
  let windowMoved = 0;
  for (;;) {
    const batch = await sweepBatch(pool, 'start_sessions_sweep', BATCH);
    moved += batch;
    windowMoved += batch;
    if (windowMoved >= WINDOW || batch < BATCH) {
      if (windowMoved > 0) windows.push(Number(process.hrtime.bigint() - windowStart) / 1e9);
      windowStart = process.hrtime.bigint();
      windowMoved = 0;
    }
    if (batch < BATCH) break;
  }
  return { moved, windows };
}

export async function backlog(): Promise<string> {
  const ours = await freshDatabase();
  const off = await freshDatabase();
  const adr = await freshDatabase();
  try {
    await overdue(ours.pool, N, 'on');
    if (PLAN === 'auto')
      await ours.pool.query(
        'alter function app_private.add_jobs reset all; alter function app_private.remove_jobs reset all',
      );
    await overdue(off.pool, SAMPLE, 'off');
    // ADR-006's loop runs on the same schema, its moves paying the same triggers as the sweep's.
    await overdue(adr.pool, SAMPLE, 'on');
    console.log(
      `  sweeping ${N} overdue sessions in batches of ${BATCH}, timers on, plans ${PLAN}…`,
    );

    const started = process.hrtime.bigint();
    const { moved, windows } = await sweepAll(ours.pool);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const { rows: jobs } = await ours.pool.query<{ n: number }>(
      "select count(*)::int as n from graphile_worker.jobs where task_identifier = 'end_sessions_timer'",
    );

    const reference = await sweepAll(off.pool);
    const offSeconds = reference.windows.reduce((a, b) => a + b, 0);

    const { moved: adrMoved, seconds: adrSeconds } = await adrLoop(adr.url);

    const rates = windows.map((s, i) => Math.min(WINDOW, moved - i * WINDOW) / s);
    const first = rates[0] as number;
    const slowest = Math.max(
      ...windows.map((s, i) => s / (Math.min(WINDOW, moved - i * WINDOW) / WINDOW)),
    );
    const worst = slowest / (windows[0] as number);
    const ourRate = moved / seconds;
    const adrRate = adrMoved / adrSeconds;
    const offRate = reference.moved / offSeconds;
    let md = table(
      `Backlog: ${N} overdue sessions swept to active, timers on (end timers scheduled as they move)`,
      ['window', 'bookings', 'seconds', 'bookings/s'],
      windows.map((s, i) => {
        const n = Math.min(WINDOW, moved - i * WINDOW);
        return [`${i * WINDOW + 1}–${i * WINDOW + n}`, n, s, n / s];
      }),
    );
    md += `\n${table(
      'Backlog: against the anchors, same run',
      ['approach', 'bookings', 'seconds', 'bookings/s'],
      [
        [`schoolbell sweep, batches of ${BATCH}, timers on`, moved, seconds, ourRate],
        [`the same sweep, timers off (${SAMPLE} sample)`, reference.moved, offSeconds, offRate],
        [
          `ADR-006 loop: one transaction each, NOWAIT (${SAMPLE} sample)`,
          adrMoved,
          adrSeconds,
          adrRate,
        ],
      ],
    )}`;
    const lines = [
      `${jobs[0]?.n} end timers scheduled by the sweep (one per distinct end instant)`,
      `ratio to ADR-006: ${(ourRate / adrRate).toFixed(1)}× by rate (goal ≥ 20×: ${ourRate / adrRate >= 20 ? 'met' : 'NOT met'})`,
      `slowest window against the first: ${worst.toFixed(2)}× the time per booking (goal ≤ 1.5×: ${worst <= 1.5 ? 'met' : 'NOT met'}); first window ${first.toFixed(0)}/s, last ${(rates.at(-1) as number).toFixed(0)}/s`,
      `what the timers cost the sweep: ${(offRate / ourRate).toFixed(2)}× the time of the sweep with timers off`,
    ];
    for (const line of lines) console.log(`  ${line}`);
    md += `\n${lines.map((l) => `- ${l}`).join('\n')}\n`;
    return md;
  } finally {
    await ours.drop();
    await off.drop();
    await adr.drop();
  }
}
