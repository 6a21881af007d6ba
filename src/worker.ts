import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type Runner,
  run,
  type Task,
  type TaskList,
  Logger as WorkerLogger,
} from 'graphile-worker';
import type pg from 'pg';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import { crontabPath } from './paths.ts';

/** tasksDir holds one task per file, named after its identifier (tasks/ or dist/tasks/). */
export const tasksDir = path.join(import.meta.dirname, '..', 'tasks');

const TASK_FILE = /^([a-z][a-z0-9_]*)\.(ts|js)$/;

/**
 * loadTaskList imports every task file in `dir` (its default export is the task) and returns
 * them keyed by identifier. A task that fails to load stops startup: a worker missing a task
 * would leave its jobs to fail one retry after another.
 */
export async function loadTaskList(dir = tasksDir): Promise<TaskList> {
  const files = await fs.readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const tasks: TaskList = {};
  for (const file of files.sort()) {
    const match = TASK_FILE.exec(file);
    if (!match || file.endsWith('.d.ts')) continue;
    const module = (await import(pathToFileURL(path.join(dir, file)).href)) as {
      default?: unknown;
    };
    if (typeof module.default !== 'function') {
      throw new Error(`tasks/${file} must export a task function as its default export`);
    }
    tasks[match[1] as string] = module.default as Task;
  }
  return tasks;
}

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
    taskList: await loadTaskList(),
    crontab,
    logger: workerLogger(log.child({ component: 'worker' })),
    gracefulShutdownAbortTimeout: config.shutdownTimeout.ms,
  });
}
