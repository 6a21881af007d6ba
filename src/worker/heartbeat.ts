import type { EventEmitter } from 'node:events';
import os from 'node:os';
import type { WorkerPool } from 'graphile-worker';
import type pg from 'pg';
import { workerBeat, workerStopped } from '../db/queries.ts';
import type { Duration } from '../duration.ts';
import type { Logger } from '../log.ts';
import { timerDelay } from './timers.ts';

/** HeartbeatOptions: the worker's events, its pool, and how long a silent worker counts as alive. */
export interface HeartbeatOptions {
  readonly pool: pg.Pool;
  readonly events: EventEmitter;
  readonly deadAfter: Duration;
  readonly log: Logger;
}

/** Heartbeat keeps this worker registered and the dead ones' jobs moving. */
export interface Heartbeat {
  /** stop ends the heartbeat and unregisters this worker (its jobs are finished by then). */
  stop(): Promise<void>;
}

/**
 * startHeartbeat registers this process's graphile-worker pool in app_private.workers and
 * refreshes it four times per WORKER_DEAD_AFTER. Each beat (one query) also unlocks the jobs of workers
 * silent for longer than WORKER_DEAD_AFTER (killed, frozen, their host gone), so a crashed
 * worker's jobs run again on a survivor within about that long instead of four hours.
 */
export function startHeartbeat({ pool, events, deadAfter, log }: HeartbeatOptions): Heartbeat {
  let workerPool: WorkerPool | undefined;
  let poolId: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let beating: Promise<void> = Promise.resolve();
  const interval = timerDelay(Math.max(250, Math.floor(deadAfter.ms / 4)));

  const beat = async () => {
    if (!poolId) return;
    try {
      const recovered = await workerBeat(pool, poolId, os.hostname(), process.pid, deadAfter.text);
      // Unlocked jobs come with no NOTIFY: wake this worker to take them now, not at its next poll.
      if (recovered.length > 0) workerPool?.nudge(Number.MAX_SAFE_INTEGER);
      for (const dead of recovered) {
        log.warn(
          { deadWorker: dead.worker_id, jobs: Number(dead.jobs) },
          `worker ${dead.worker_id} was silent for over ${deadAfter.text}; unlocked its ${dead.jobs} job(s)`,
        );
      }
    } catch (error) {
      log.warn({ err: error }, 'heartbeat failed; trying again');
    }
  };

  const onPool = ({ workerPool: created }: { workerPool: WorkerPool }) => {
    // A restarted runner (worker.ts) brings a new pool: the old one is done, unregister it.
    const previous = poolId;
    clearInterval(timer);
    if (previous) beating = beating.then(() => workerStopped(pool, previous).catch(() => {}));
    workerPool = created;
    poolId = created.id;
    beating = beating.then(beat);
    timer = setInterval(() => {
      beating = beating.then(beat);
    }, interval);
    timer.unref();
  };
  events.on('pool:create', onPool);

  return {
    async stop() {
      events.off('pool:create', onPool);
      clearInterval(timer);
      await beating;
      if (poolId) await workerStopped(pool, poolId).catch(() => {});
    },
  };
}
