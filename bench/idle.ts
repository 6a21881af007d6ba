// Scenario 1b: what an idle replica costs Postgres. One `schoolbell start` (API and worker) per
// configuration, each on a database of its own (empty but for one configuration's schedules), all running at once so that they share
// one window. Once every one has been ready for SETTLE_MS (startup's connections have been
// closed or reused), each database's committed transactions are counted over WINDOW_MS, from
// 15 s past a minute to 15 s past a later one: the crontab ticks on the minute, and Postgres
// publishes a connection's counts up to 10 s after its last statement, so each minute of the
// window holds exactly one tick, counted whole (and one in five also the 5-minute sweep).
//
// A control runs alongside: one idle connection to an empty database, listening as
// graphile-worker's does, which commits nothing of its own. It still commits a transaction
// whenever DDL elsewhere in the cluster (other databases created, migrated, dropped) makes it
// catch up on cache invalidations, and whenever NOTIFYs from other databases (jobs added there)
// fill the cluster's one notification queue enough that every listener must read through it;
// so do a replica's connections. A control above zero means a busy cluster and inflated
// numbers: run this alone.
import pg from 'pg';
import { spawnRole } from '../support/processes.ts';
import {
  type BenchDatabase,
  freshDatabase,
  insertSchedules,
  SECRET,
  serverUrl,
  sleep,
  table,
} from './lib.ts';

const SETTLE_MS = Number(process.env.BENCH_IDLE_SETTLE_SECONDS ?? 30) * 1000;
const WINDOW_MS =
  Math.max(1, Math.round(Number(process.env.BENCH_IDLE_SECONDS ?? 60) / 60)) * 60_000;

interface Variant {
  readonly name: string;
  readonly env: Record<string, string>;
  /** prepare fills the variant's database before its service starts. */
  readonly prepare?: (db: BenchDatabase) => Promise<void>;
}

const VARIANTS: Variant[] = [
  { name: 'defaults', env: {} },
  {
    name: 'no local queue, completions one by one (each of the 5 workers polls)',
    env: { WORKER_LOCAL_QUEUE_SIZE: '0', WORKER_BATCH_DELAY: 'off' },
  },
  {
    name: 'defaults, 10,000 runtime schedules (hourly, next runs 6 to 7 hours away)',
    env: {},
    prepare: (db) => insertSchedules(db, 10_000, 3600, 6 * 3600),
  },
];

async function commits(pool: pg.Pool, name: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    'select xact_commit as n from pg_stat_database where datname = $1',
    [name],
  );
  return Number(rows[0]?.n);
}

export async function idle(): Promise<string> {
  const databases: BenchDatabase[] = [];
  const stops: Array<() => Promise<void>> = [];
  const rows: Array<Array<string | number>> = [];
  let defaults = Number.NaN;
  let scheduled = Number.NaN;
  let control = Number.NaN;
  // The counters are read from another database, so that reading them costs these nothing.
  const reader = new pg.Pool({ connectionString: serverUrl, max: 1 });
  try {
    for (const variant of VARIANTS) {
      const db = await freshDatabase();
      databases.push(db);
      await variant.prepare?.(db);
      // The bench's own connections to the database would count too: close them.
      await db.pool.end();
      const service = await spawnRole('start', {
        DATABASE_URL: db.url,
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
        JWT_SECRET: SECRET,
        ...variant.env,
      });
      stops.push(() => service.stop());
    }
    const controlDb = await freshDatabase();
    databases.push(controlDb);
    await controlDb.pool.end();
    const idleClient = new pg.Client({ connectionString: controlDb.url });
    await idleClient.connect();
    stops.push(() => idleClient.end());
    await idleClient.query('listen "jobs:insert"');

    const names = databases.map((db) => new URL(db.url).pathname.slice(1));
    await sleep(SETTLE_MS);
    await sleep(60_000 - ((Date.now() - 15_000) % 60_000));
    // An idle connection's counts are published when it next runs a statement (one of its own).
    const read = async () => {
      await idleClient.query('select 1');
      await sleep(200);
      return Promise.all(names.map((name) => commits(reader, name)));
    };
    const before = await read();
    await sleep(WINDOW_MS);
    const after = await read();
    const seconds = WINDOW_MS / 1000;
    for (const [index, variant] of VARIANTS.entries()) {
      const rate = ((after[index] as number) - (before[index] as number)) / seconds;
      if (index === 0) defaults = rate;
      if (variant.prepare) scheduled = rate;
      rows.push([variant.name, rate]);
    }
    const last = names.length - 1;
    control = ((after[last] as number) - (before[last] as number) - 1) / seconds;
    rows.push([
      'control: one idle, listening connection to an empty database (cluster noise)',
      control,
    ]);
  } finally {
    for (const stop of stops) await stop().catch(() => {});
    await reader.end();
    for (const db of databases) await db.drop().catch(() => {});
  }
  let md = table(
    `1b. Idle replica: commits/s of one \`schoolbell start\` per database (empty, or holding only schedules hours away), over ${WINDOW_MS / 1000} s from 15 s past a minute, at least ${SETTLE_MS / 1000} s after ready (configurations side by side, same window)`,
    ['configuration', 'commits/s'],
    rows,
  );
  const lines = [
    `goal ≤ 0.5 commits/s with the defaults: ${defaults <= 0.5 ? 'met' : 'NOT met'} (${defaults.toFixed(2)})`,
  ];
  lines.push(
    `10,000 schedules hours away: ${scheduled.toFixed(2)} commits/s, against ${defaults.toFixed(2)} for the empty database in the same window`,
  );
  if (control > 0.02)
    lines.push(
      `the control committed ${control.toFixed(2)}/s: other work on the cluster inflated these numbers`,
    );
  for (const line of lines) console.log(`  ${line}`);
  md += `\n${lines.map((l) => `- ${l}`).join('\n')}\n`;
  return md;
}
