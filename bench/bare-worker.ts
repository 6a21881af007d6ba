// The anchors of scenario 3: bare graphile-worker with the same concurrency, pool size, polling
// and batching as schoolbell's worker (the same environment variables, read by the same config
// parser), running either a no-op task (BARE_TASK=noop, the default) or schoolbell's outbox
// transaction for send_notification without anything around it (BARE_TASK=outbox: lock the
// row, mark it sent, commit; the same SQL, no payload validation, channel, history, metrics,
// wake-up or heartbeat). Prints "ready" once it listens.
import { run, type TaskList } from 'graphile-worker';
import pg from 'pg';
import { parseConfig } from '../src/config.ts';
import { lockPendingNotification, markNotificationSent } from '../src/db/queries.ts';
import { batchingOptions } from '../src/worker/worker.ts';

const config = parseConfig({ ...process.env, NODE_ENV: 'test' });
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: config.databasePoolSize,
});
pool.on('error', () => {});

const taskList: TaskList =
  process.env.BARE_TASK === 'outbox'
    ? {
        send_notification: async (payload, helpers) => {
          const { notificationId } = payload as { notificationId: string };
          await helpers.withPgClient(async (client) => {
            await client.query('begin');
            try {
              if (await lockPendingNotification(client, notificationId))
                await markNotificationSent(client, notificationId);
              await client.query('commit');
            } catch (error) {
              await client.query('rollback');
              throw error;
            }
          });
        },
      }
    : { noop: async () => {} };

const runner = await run({
  pgPool: pool,
  concurrency: config.workerConcurrency,
  pollInterval: config.pollInterval.ms,
  useNodeTime: true,
  noHandleSignals: true,
  taskList,
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
