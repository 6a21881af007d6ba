import fs from 'node:fs/promises';
import path from 'node:path';
import { type Runner, run, Logger as WorkerLogger } from 'graphile-worker';
import type pg from 'pg';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import { crontabPath } from './paths.ts';

/** tasksDir holds one task per file, named after its identifier (tasks/ or dist/tasks/). */
export const tasksDir = path.join(import.meta.dirname, '..', 'tasks');

/** workerLogger routes graphile-worker's log lines into our structured logger. */
export function workerLogger(log: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const fields = { ...scope, ...meta };
    if (level === 'error') log.error(fields, message);
    else if (level === 'warning') log.warn(fields, message);
    else if (level === 'info') log.info(fields, message);
    else log.debug(fields, message);
  });
}

/** WorkerOptions are what a worker needs beyond the shared config. */
export interface WorkerOptions {
  readonly config: Config;
  readonly pool: pg.Pool;
  readonly log: Logger;
}

/**
 * startWorker runs graphile-worker on the pool: the tasks in tasks/ and the schedules in the
 * crontab. Signals are ours to handle, so the service can drain the HTTP server and the worker
 * in order; running jobs get SHUTDOWN_TIMEOUT to finish before they are aborted.
 */
export async function startWorker({ config, pool, log }: WorkerOptions): Promise<Runner> {
  const crontab = await fs.readFile(crontabPath, 'utf8');
  return run({
    pgPool: pool,
    concurrency: config.workerConcurrency,
    noHandleSignals: true,
    taskDirectory: tasksDir,
    crontab,
    logger: workerLogger(log.child({ component: 'worker' })),
    gracefulShutdownAbortTimeout: config.shutdownTimeout.ms,
  });
}
