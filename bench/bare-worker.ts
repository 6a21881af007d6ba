// The anchor of scenario 3: bare graphile-worker running a no-op task, with the same
// concurrency, pool size and polling as schoolbell's worker. Prints "ready" once it listens.
import { run } from 'graphile-worker';
import pg from 'pg';

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_SIZE ?? 12),
});
pool.on('error', () => {});
const runner = await run({
  pgPool: pool,
  concurrency: Number(process.env.WORKER_CONCURRENCY ?? 10),
  pollInterval: 2_000,
  noHandleSignals: true,
  taskList: { noop: async () => {} },
  parsedCronItems: [],
  logger: undefined,
});
console.log('ready: listening');
process.on('SIGTERM', async () => {
  await runner.stop();
  await pool.end();
  process.exit(0);
});
