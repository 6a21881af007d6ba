import { EventEmitter } from 'node:events';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Runner, run, runOnce, type TaskList } from 'graphile-worker';
import type pg from 'pg';
import { type Config, ConfigError } from '../config.ts';
import { pausedFlags } from '../db/queries.ts';
import { parseDuration } from '../duration.ts';
import { type Logger, workerLogger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { createChannels } from '../notifications/channels.ts';
import { crontabPath } from '../paths.ts';
import { bindTask, type TaskContext, type TaskDefinition, type TaskLimit } from '../task.ts';
import { startHeartbeat } from './heartbeat.ts';
import { recordJobHistory } from './history.ts';
import { recordMetrics, watchJobs } from './job-events.ts';
import { startPauseWatch } from './pauses.ts';
import { watchTaskIds } from './taskids.ts';
import { timerDelay } from './timers.ts';
import { startWakeup } from './wakeup.ts';

/** tasksDir holds one task per file, named after its identifier (tasks/ or dist/tasks/). */
export const tasksDir = path.join(import.meta.dirname, '..', '..', 'tasks');

/** WAKEUP_REFRESH_MS is how often an idle worker asks for the next future job regardless. */
const WAKEUP_REFRESH_MS = 30_000;

/** PAUSES_REFRESH_MS is how often a worker reads what is paused regardless of notifications. */
const PAUSES_REFRESH_MS = 5_000;

const TASK_FILE = /^([a-z][a-z0-9_]*)\.(ts|js)$/;

/**
 * loadTaskDefinitions imports every task file in `dir` (its default export is a TaskDefinition)
 * keyed by identifier. A task that fails to load stops startup: a worker missing a task would
 * leave its jobs to fail one retry after another.
 */
export async function loadTaskDefinitions(dir = tasksDir): Promise<Map<string, TaskDefinition>> {
  const files = await fs.readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const tasks = new Map<string, TaskDefinition>();
  for (const file of files.sort()) {
    const match = TASK_FILE.exec(file);
    if (!match || file.endsWith('.d.ts')) continue;
    const module = (await import(pathToFileURL(path.join(dir, file)).href)) as {
      default?: Partial<TaskDefinition>;
    };
    if (typeof module.default?.run !== 'function' || module.default.payload === undefined) {
      throw new Error(
        `tasks/${file} must export a task made with defineTask() as its default export`,
      );
    }
    tasks.set(match[1] as string, module.default as TaskDefinition);
  }
  return tasks;
}

/**
 * loadTaskList binds every task in tasks/ to the context graphile-worker cannot give them, each
 * bounded by its timeout: TASK_TIMEOUTS's, else the one the task declares. TASK_TIMEOUTS naming
 * a task that does not exist is a configuration error.
 */
export async function loadTaskList(context: TaskContext, dir = tasksDir): Promise<TaskList> {
  const definitions = await loadTaskDefinitions(dir);
  const unknown = context.config.taskTimeouts.filter(({ task }) => !definitions.has(task));
  if (unknown.length > 0) {
    throw new ConfigError(
      `invalid configuration:\n  TASK_TIMEOUTS: no task named ${unknown.map(({ task }) => task).join(', ')} (the tasks are ${[...definitions.keys()].join(', ')})`,
    );
  }
  const tasks: TaskList = {};
  for (const [identifier, definition] of definitions) {
    tasks[identifier] = bindTask(
      identifier,
      definition,
      context,
      taskLimit(identifier, definition, context.config),
    );
  }
  return tasks;
}

/** taskLimit is the timeout of a task's attempts: TASK_TIMEOUTS's entry, else the task's own. */
function taskLimit(identifier: string, definition: TaskDefinition, config: Config): TaskLimit {
  const configured = config.taskTimeouts.find(({ task }) => task === identifier);
  if (configured) return { timeout: configured.timeout, source: 'TASK_TIMEOUTS' };
  if (definition.timeout === undefined) return { timeout: null, source: '' };
  return {
    timeout: parseDuration(definition.timeout),
    source: `${identifier}'s default; TASK_TIMEOUTS overrides it`,
  };
}

/**
 * batchingOptions are graphile-worker's batching settings from the config: one local queue per
 * process fetches jobs for all its workers (and alone polls), and finished or failed jobs are
 * completed together after WORKER_BATCH_DELAY. bench/bare-worker.ts runs with the same ones.
 * While anything is `paused`, there is no local queue: its batches ignore forbiddenFlags
 * (pauses.ts), and each worker fetches with them on its own.
 */
export function batchingOptions(
  config: Pick<Config, 'workerLocalQueueSize' | 'workerBatchDelay'>,
  paused = false,
): GraphileConfig.WorkerOptions {
  const delay = config.workerBatchDelay === 'off' ? -1 : config.workerBatchDelay.ms;
  return {
    ...(config.workerLocalQueueSize > 0 && !paused
      ? { localQueue: { size: config.workerLocalQueueSize } }
      : {}),
    completeJobBatchDelay: delay,
    failJobBatchDelay: delay,
  };
}

/** DueJobsRun is what `schoolbell worker --once` did: how many jobs ran, and how they ended. */
export interface DueJobsRun {
  readonly succeeded: number;
  /** failed counts jobs that threw: retried later (with backoff) or, with no attempts left, failed for good. */
  readonly failed: number;
}

/**
 * prepareRun is what every run of the worker starts from, a long one or runDueJobs's single
 * pass: its logger, the task list from tasks/ with the channels they deliver through, and the
 * emitter graphile-worker reports job events on.
 */
async function prepareRun(config: Config, log: Logger) {
  const workerLog = log.child({ component: 'worker' });
  const taskList = await loadTaskList({
    config,
    log: workerLog,
    channels: createChannels(config, workerLog),
  });
  return { workerLog, taskList, events: new EventEmitter() };
}

/**
 * runDueJobs runs every job that is due now, once each, with the tasks in tasks/, then returns
 * (graphile-worker's runOnce): for cron-driven deployments and DBAs who want the queue drained
 * without a long-running worker. A job that fails is rescheduled with backoff as usual, so it
 * is not run again by the same call. Outcomes are written to the job history. What is paused
 * when it starts stays queued.
 */
export async function runDueJobs({
  config,
  pool,
  log,
}: Pick<WorkerOptions, 'config' | 'pool' | 'log'>): Promise<DueJobsRun> {
  const { workerLog, taskList, events } = await prepareRun(config, log);
  const history = recordJobHistory(pool, events, workerLog);
  let succeeded = 0;
  let failed = 0;
  const stopWatching = watchJobs(events, ({ outcome }) => {
    if (outcome === 'success') succeeded++;
    else failed++;
  });
  const paused = await pausedFlags(pool);
  try {
    await runOnce({
      forbiddenFlags: paused.length > 0 ? paused : null,
      pgPool: pool,
      concurrency: config.workerConcurrency,
      useNodeTime: true,
      noHandleSignals: true,
      taskList,
      events,
      logger: workerLogger(workerLog),
    });
  } finally {
    stopWatching();
    await history.stop();
  }
  return { succeeded, failed };
}

/** WorkerOptions are what a worker needs beyond the shared config. */
export interface WorkerOptions {
  readonly config: Config;
  readonly pool: pg.Pool;
  readonly log: Logger;
  readonly metrics: Metrics;
}

/** Worker is a running graphile-worker with schoolbell's wake-up timer and heartbeat. */
export interface Worker {
  /** runner is the current graphile-worker runner (replaced when its task ids go stale). */
  readonly runner: Runner;
  /** probe resolves while the worker is connected and listening for jobs, and throws otherwise. */
  probe(): Promise<void>;
  /**
   * stop lets running jobs finish within SHUTDOWN_TIMEOUT; past it they are abandoned (failed,
   * to be retried). Then the worker unregisters. Never throws.
   */
  stop(): Promise<void>;
}

/**
 * startWorker runs graphile-worker on the pool: the tasks in tasks/ and the schedules in the
 * crontab, woken at each future job's run_at (wakeup.ts), registered and recovering dead
 * workers' jobs (heartbeat.ts), fetching no job of a paused task or channel (pauses.ts), restarted when its task ids are garbage-collected under it
 * (taskids.ts). Signals are the service's to handle, so that it can drain the
 * HTTP server and the worker in order.
 */
export async function startWorker({ config, pool, log, metrics }: WorkerOptions): Promise<Worker> {
  const crontab = await fs.readFile(crontabPath, 'utf8');
  const { workerLog, taskList, events } = await prepareRun(config, log);
  // WORKER_WAKEUP=off leaves graphile-worker to find future jobs by polling alone (benchmarks).
  const wakeup = startWakeup({
    enabled: config.workerWakeup,
    pool,
    events,
    concurrency: config.workerConcurrency,
    log: workerLog,
    refreshMs: WAKEUP_REFRESH_MS,
  });
  const heartbeat = startHeartbeat({
    pool,
    events,
    deadAfter: config.workerDeadAfter,
    log: workerLog,
  });
  let started = false;
  // Whether the current runner was started while something was paused (no local queue).
  let startedPaused = false;
  const pauses = await startPauseWatch({
    pool,
    events,
    concurrency: config.workerConcurrency,
    log: workerLog,
    refreshMs: PAUSES_REFRESH_MS,
    onPausing() {
      // switchQueue is defined below; a change while the first runner starts is checked after.
      if (started) restarting = restarting.then(() => switchQueue());
    },
  });
  const history = recordJobHistory(pool, events, workerLog);
  const stopMetrics = recordMetrics(metrics, events);
  let listening = 'starting';
  events.on('pool:listen:success', () => {
    listening = 'ok';
  });
  events.on('pool:listen:error', ({ error }: { error: Error }) => {
    listening = `not listening for jobs: ${error.message}`;
  });
  events.on('stop', () => {
    listening = 'stopping';
  });
  const runnerOptions = () => {
    startedPaused = pauses.forbiddenFlags() !== null;
    return {
      pgPool: pool,
      concurrency: config.workerConcurrency,
      pollInterval: config.pollInterval.ms,
      // "Due" must mean the same clock to the wake-up timer and to the job query.
      useNodeTime: true,
      noHandleSignals: true,
      taskList,
      crontab,
      // Paused tasks' and channels' jobs stay queued (pauses.ts).
      forbiddenFlags: pauses.forbiddenFlags,
      events,
      logger: workerLogger(workerLog),
      gracefulShutdownAbortTimeout: config.shutdownTimeout.ms,
      preset: { worker: batchingOptions(config, startedPaused) },
    };
  };
  const taskIdCheckMs = Math.max(250, Math.floor(config.workerDeadAfter.ms / 4));
  let stopping = false;
  let stale: string | undefined;
  let restarting: Promise<void> = Promise.resolve();
  // Set up before run(), like the heartbeat: it starts with the runner's first events.
  const taskIdWatch = watchTaskIds({
    pool,
    events,
    identifiers: Object.keys(taskList),
    intervalMs: taskIdCheckMs,
    log: workerLog,
    onStale(changes) {
      // restart is defined below; it is only called once the runner runs.
      restarting = restarting.then(() => restart(changes));
    },
  });

  let runner: Runner;
  try {
    runner = await run(runnerOptions());
    started = true;
    if (startedPaused !== (pauses.forbiddenFlags() !== null))
      restarting = restarting.then(() => switchQueue());
  } catch (error) {
    taskIdWatch.stop();
    await pauses.stop();
    throw error;
  }
  let running = true;

  // graphile-worker stops a runner by itself when it cannot record jobs' outcomes: in 0.18.0 one
  // failed batched completeJobs or failJobs is enough, as its retry loop leaves at the first
  // error (graphile/worker issue 636), e.g. while PostgreSQL restarts. The process would live on
  // running nothing, its heartbeat keeping its jobs locked: a runner that ends unasked is
  // replaced, and the jobs its pool still holds are freed once that pool, no longer registered,
  // has held them for WORKER_DEAD_AFTER (recover_dead_workers).
  const watchRunner = (watched: Runner) => {
    void watched.promise
      .then(
        () => undefined,
        (error: unknown) => error,
      )
      .then((error) => {
        if (stopping || watched !== runner || !running) return;
        running = false;
        workerLog.error({ err: error }, 'graphile-worker stopped by itself; starting a new runner');
        restarting = restarting.then(async () => {
          await replaceRunner('stopped by itself', (failure) =>
            workerLog.error({ err: failure }, 'starting a new runner failed; trying again'),
          );
        });
      });
  };
  watchRunner(runner);

  // Lets running jobs finish within SHUTDOWN_TIMEOUT, then abandons them.
  const stopRunner = async (reason: string) => {
    if (!running) return;
    running = false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timerDelay(config.shutdownTimeout.ms + 1_000));
    });
    try {
      const outcome = await Promise.race([
        runner.stop(reason).then(() => 'stopped' as const),
        timeout,
      ]);
      if (outcome === 'timeout') {
        workerLog.warn(
          { timeout: config.shutdownTimeout.text },
          'jobs still running after SHUTDOWN_TIMEOUT; abandoning them',
        );
        await runner.kill(`${reason} timeout`);
      }
    } finally {
      clearTimeout(timer);
    }
  };

  // Stops the runner (its running jobs finish first) and starts a new one with the options as
  // they are now, trying again until it starts or the worker stops; failed(error) says why not.
  const replaceRunner = async (reason: string, failed: (error: Error) => void) => {
    try {
      await stopRunner(reason);
    } catch (error) {
      workerLog.error({ err: error }, 'stopping the worker failed; starting a new one anyway');
    }
    while (!stopping) {
      try {
        runner = await run(runnerOptions());
        running = true;
        watchRunner(runner);
        return true;
      } catch (error) {
        failed(error as Error);
        await new Promise((resolve) => setTimeout(resolve, taskIdCheckMs));
      }
    }
    return false;
  };

  // A runner whose task ids went stale (taskids.ts) runs none of those tasks' new jobs again:
  // it is replaced by a new one, which reads the ids afresh. Until then /readyz says why.
  const restart = async (changes: string) => {
    stale = `graphile-worker's task ids changed under this worker (${changes}): restarting it`;
    workerLog.error(
      { changes },
      `graphile-worker's task ids changed under this running worker (${changes}), as a cleanup of GC_TASK_IDENTIFIERS does; it would never run those tasks' jobs again, so it is restarting`,
    );
    const replaced = await replaceRunner('task ids changed', (error) => {
      stale = `restarting after the task ids changed (${changes}) failed: ${error.message}`;
      workerLog.error({ err: error }, `${stale}; trying again`);
    });
    if (replaced) {
      stale = undefined;
      workerLog.warn({ changes }, 'worker restarted with the current task ids');
    }
  };

  // The local queue goes while anything is paused and comes back after (batchingOptions): the
  // runner is replaced as a stale one is, its running jobs finishing first.
  const switchQueue = async () => {
    const paused = pauses.forbiddenFlags() !== null;
    if (stopping || config.workerLocalQueueSize === 0 || paused === startedPaused) return;
    workerLog.info(
      { paused },
      paused
        ? 'paused: restarting the worker without its local queue'
        : 'nothing paused: restarting the worker with its local queue',
    );
    await replaceRunner(paused ? 'paused' : 'resumed', (error) =>
      workerLog.error({ err: error }, 'restarting the worker failed; trying again'),
    );
  };
  return {
    get runner() {
      return runner;
    },
    async probe() {
      if (stale) throw new Error(stale);
      if (listening !== 'ok') throw new Error(listening);
    },
    async stop() {
      stopping = true;
      taskIdWatch.stop();
      wakeup.stop();
      await restarting;
      await stopRunner('shutdown');
      await pauses.stop();
      // Unregister only now: until its jobs were done they were this worker's.
      await heartbeat.stop();
      await history.stop();
      stopMetrics();
    },
  };
}
