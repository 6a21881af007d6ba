// Scenario 2: 100,000 overdue sessions with no timers (a restored backup). How long until the
// sweep has started them all, against ADR-006's one transaction per booking with SELECT ... FOR
// UPDATE NOWAIT? The ADR way is measured on a sample and compared by rate.
import { sweepBatch } from '../src/db/queries.ts';
import { adrLoop, freshDatabase, overdue, table } from './lib.ts';

const N = Number(process.env.BENCH_SWEEP_N ?? 100_000);
const ADR_N = Number(process.env.BENCH_SWEEP_ADR_N ?? 10_000);
const BATCH = 500;

export async function sweeps(): Promise<string> {
  const ours = await freshDatabase();
  const adr = await freshDatabase();
  try {
    await overdue(ours.pool, N, 'on');
    await overdue(adr.pool, ADR_N, 'on');

    const started = process.hrtime.bigint();
    let moved = 0;
    for (;;) {
      const batch = await sweepBatch(ours.pool, 'start_sessions_sweep', BATCH);
      moved += batch;
      if (batch < BATCH) break;
    }
    const sweepSeconds = Number(process.hrtime.bigint() - started) / 1e9;

    const { moved: adrMoved, seconds: adrSeconds } = await adrLoop(adr.url);

    const ourRate = moved / sweepSeconds;
    const adrRate = adrMoved / adrSeconds;
    let md = table(
      `2. Sweep convergence: overdue sessions with no timers`,
      ['approach', 'bookings', 'seconds', 'bookings/s'],
      [
        [`schoolbell sweep (batches of ${BATCH}, SKIP LOCKED)`, moved, sweepSeconds, ourRate],
        ['ADR-006 (one transaction each, NOWAIT)', adrMoved, adrSeconds, adrRate],
      ],
    );
    const lines = [
      `ratio: ${(ourRate / adrRate).toFixed(1)}× faster by rate (ADR-006 at this rate would need ${(N / adrRate).toFixed(0)} s for ${N})`,
      `goal ≥ 10×: ${ourRate / adrRate >= 10 ? 'met' : 'NOT met'}`,
    ];
    for (const line of lines) console.log(`  ${line}`);
    md += `\n${lines.map((l) => `- ${l}`).join('\n')}\n`;
    return md;
  } finally {
    await ours.drop();
    await adr.drop();
  }
}
