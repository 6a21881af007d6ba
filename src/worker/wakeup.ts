import type { EventEmitter } from 'node:events';
import type { WorkerPool } from 'graphile-worker';
import type pg from 'pg';
import { nextJobRunAt } from '../db/queries.ts';
import type { Logger } from '../log.ts';
import { epochMs, timerDelay } from './timers.ts';

/** WakeupOptions say whose jobs to watch and how often to look again when nothing happens. */
export interface WakeupOptions {
  /** enabled: false makes a wake-up that does nothing (WORKER_WAKEUP=off). */
  readonly enabled: boolean;
  readonly pool: pg.Pool;
  /** events is the emitter passed to graphile-worker's run(). */
  readonly events: EventEmitter;
  readonly concurrency: number;
  readonly log: Logger;
  /** refreshMs is the longest we go without asking for the next run_at (a job added without NOTIFY). */
  readonly refreshMs: number;
}

/** Wakeup is the timer that wakes this replica's worker when the next job falls due. */
export interface Wakeup {
  stop(): void;
}

/**
 * startWakeup makes future jobs start at their run_at, not at the worker's next poll.
 * graphile-worker only finds a future job by polling (every 2 s by default). Every replica
 * therefore keeps one timer set for the earliest future run_at and, when it fires, nudges its
 * idle workers to fetch right then. It asks Postgres for that run_at when the worker starts
 * listening, whenever a job is added (graphile-worker's NOTIFY on jobs:insert, which every
 * replica receives), when a job fails (its retry is due later), after each wake-up, and every
 * refreshMs otherwise: an idle replica costs one small indexed query per refresh on top of
 * graphile-worker's polling, which can therefore be slow (WORKER_POLL_INTERVAL, 10 s).
 * The worker must run with useNodeTime, so that "due" means the same clock to both.
 */
export function startWakeup({
  enabled,
  pool,
  events,
  concurrency,
  log,
  refreshMs,
}: WakeupOptions): Wakeup {
  if (!enabled) return { stop() {} };
  let workerPool: WorkerPool | undefined;
  let timer: NodeJS.Timeout | undefined;
  let refreshing = false;
  let again = false;
  let stopped = false;

  const arm = (delayMs: number, due: boolean) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (due) workerPool?.nudge(concurrency);
      void refresh();
    }, timerDelay(delayMs));
    timer.unref();
  };

  const refresh = async (): Promise<void> => {
    if (stopped) return;
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = true;
    try {
      const now = new Date();
      const next = await nextJobRunAt(pool, now);
      // setTimeout may fire a millisecond early; a job fetched before its run_at is not found.
      // A run_at beyond JavaScript's dates (year 294276 is valid in Postgres) is "later", not NaN.
      const delay = next ? epochMs(next) - Date.now() + 2 : Number.POSITIVE_INFINITY;
      if (!stopped) arm(Math.min(delay, refreshMs), delay <= refreshMs);
    } catch (error) {
      log.warn({ err: error }, 'could not look up the next job; trying again later');
      if (!stopped) arm(Math.min(refreshMs, 5_000), false);
    } finally {
      refreshing = false;
      if (again) {
        again = false;
        void refresh();
      }
    }
  };

  const onPool = ({ workerPool: created }: { workerPool: WorkerPool }) => {
    workerPool = created;
  };
  // One transaction's jobs arrive as as many notifications at once (a crontab tick, a booking's
  // jobs): look the next run_at up once for all of them, not once per notification.
  let pending = false;
  const onChange = () => {
    if (pending) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      void refresh();
    });
  };
  events.on('pool:create', onPool);
  events.on('pool:listen:success', onChange);
  events.on('pool:listen:notification', onChange);
  // A failed job comes back at a later run_at without any NOTIFY: look again.
  events.on('job:error', onChange);

  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      events.off('pool:create', onPool);
      events.off('pool:listen:success', onChange);
      events.off('pool:listen:notification', onChange);
      events.off('job:error', onChange);
    },
  };
}
