// The anchor of scenario 3: bare graphile-worker running a no-op task, with the same
// concurrency, pool size, polling and batching as schoolbell's worker: the same environment
// variables, read by the same config parser. Prints "ready" once it listens.
import { run } from 'graphile-worker';
import pg from 'pg';
import { parseConfig } from '../src/config.ts';
import { batchingOptions } from '../src/worker.ts';

const config = parseConfig({ ...process.env, NODE_ENV: 'test' });
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: config.databasePoolSize,
});
pool.on('error', () => {});
const runner = await run({
  pgPool: pool,
  concurrency: config.workerConcurrency,
  pollInterval: config.pollInterval.ms,
  useNodeTime: true,
  noHandleSignals: true,
  taskList: { noop: async () => {} },
  parsedCronItems: [],
  logger: undefined,
  preset: { worker: batchingOptions(config) },
});
console.log('ready: listening');
process.on('SIGTERM', async () => {
  await runner.stop();
  await pool.end();
  process.exit(0);
});
