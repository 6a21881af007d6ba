import type { EventEmitter } from 'node:events';
import type { WorkerPool } from 'graphile-worker';
import type pg from 'pg';
import { listenForPauses, pausedFlags } from '../db/queries.ts';
import type { Logger } from '../log.ts';

/** PauseWatchOptions say where to read what is paused and how often to read it regardless. */
export interface PauseWatchOptions {
  readonly pool: pg.Pool;
  /** events is the emitter passed to graphile-worker's run(): its pool is nudged on a resume. */
  readonly events: EventEmitter;
  readonly concurrency: number;
  readonly log: Logger;
  /** refreshMs is the longest a missed notification (a dropped connection) goes unnoticed. */
  readonly refreshMs: number;
  /** onPausing is called when something becomes paused, or nothing is paused any more. */
  readonly onPausing: () => void;
}

/** PauseWatch is this replica's copy of what is paused, kept current. */
export interface PauseWatch {
  /**
   * forbiddenFlags is graphile-worker's option of that name, asked before each fetch: the flags
   * of the paused tasks and channels, or null when nothing is paused (so that the local queue
   * keeps fetching jobs in batches).
   */
  forbiddenFlags(): string[] | null;
  stop(): Promise<void>;
}

/**
 * startPauseWatch reads what is paused (app_private.paused) before the worker fetches its
 * first job, then again on each change (LISTEN schoolbell:paused, notified by every pause and
 * resume, whichever replica or psql session made it) and every refreshMs in case a
 * notification was missed. When something is resumed, it nudges the idle workers so that the
 * jobs it held and that are due run now rather than at the next poll. A job a worker took
 * before the pause reached it runs to its end.
 *
 * graphile-worker's local queue fetches its batches without forbiddenFlags, and hands them to
 * workers that asked before the pause: a worker with a local queue must run without it while
 * anything is paused (onPausing tells it when to switch).
 */
export async function startPauseWatch({
  pool,
  events,
  concurrency,
  log,
  refreshMs,
  onPausing,
}: PauseWatchOptions): Promise<PauseWatch> {
  let flags: string[] = await pausedFlags(pool);
  let workerPool: WorkerPool | undefined;
  let listener: pg.PoolClient | undefined;
  let stopped = false;
  let reading: Promise<void> = Promise.resolve();

  const read = async () => {
    try {
      const next = await pausedFlags(pool);
      const resumed = flags.some((flag) => !next.includes(flag));
      if (next.join() !== flags.join()) log.info({ paused: next }, 'what is paused changed');
      const was = flags.length > 0;
      flags = next;
      if (was !== next.length > 0) onPausing();
      if (resumed) workerPool?.nudge(concurrency);
    } catch (error) {
      log.warn({ err: error }, 'could not read what is paused; keeping the last list');
    }
  };
  const refresh = () => {
    reading = reading.then(read);
    return reading;
  };

  const listen = async () => {
    if (stopped || listener) return;
    let client: pg.PoolClient | undefined;
    try {
      client = await pool.connect();
      const held = client;
      held.on('notification', () => void refresh());
      held.on('error', (error: Error) => {
        log.warn({ err: error }, 'lost the connection that listens for pauses; listening again');
        if (listener === held) listener = undefined;
        held.release(error);
      });
      await listenForPauses(held);
      listener = held;
      // A change between the first read and the LISTEN would otherwise wait for the refresh.
      await refresh();
    } catch (error) {
      log.warn({ err: error }, 'could not listen for pauses; reading them every refresh instead');
      client?.release(error as Error);
    }
  };

  const onPool = ({ workerPool: created }: { workerPool: WorkerPool }) => {
    workerPool = created;
  };
  events.on('pool:create', onPool);
  await listen();
  const timer = setInterval(() => {
    void refresh();
    void listen();
  }, refreshMs);
  timer.unref();

  return {
    forbiddenFlags() {
      return flags.length > 0 ? flags : null;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      events.off('pool:create', onPool);
      await reading;
      const held = listener;
      listener = undefined;
      held?.release(true);
    },
  };
}
