import type { EventEmitter } from 'node:events';
import type pg from 'pg';
import { registerTaskIds, taskIds } from '../db/queries.ts';
import type { Logger } from '../log.ts';

/** TaskIdWatchOptions: the worker's events and task identifiers, and how often to look. */
export interface TaskIdWatchOptions {
  readonly pool: pg.Pool;
  /** events is the emitter passed to graphile-worker's run(). */
  readonly events: EventEmitter;
  readonly identifiers: readonly string[];
  readonly intervalMs: number;
  readonly log: Logger;
  /** onStale is called once per runner whose ids went stale, with what changed. */
  onStale(changes: string): void;
}

/** TaskIdWatch is the running watch. */
export interface TaskIdWatch {
  stop(): void;
}

/**
 * watchTaskIds notices when graphile-worker's task ids change under a running worker. A runner
 * reads the id of each of its task identifiers from graphile_worker._private_tasks once, and
 * fetches only jobs with those ids. A cleanup of GC_TASK_IDENTIFIERS (`graphile-worker
 * --cleanup`) deletes the rows no job uses at that moment; the next add_job (a crontab tick)
 * inserts the identifier again with a new id, and the running worker never runs those jobs.
 * So the ids are read when each runner starts listening (inserting missing identifiers first,
 * as the runner itself does, so that both read the same rows), compared every intervalMs (one
 * small query), and a change is reported through onStale; the caller restarts the runner.
 */
export function watchTaskIds({
  pool,
  events,
  identifiers,
  intervalMs,
  log,
  onStale,
}: TaskIdWatchOptions): TaskIdWatch {
  // The ids the current runner uses, once read; `reading` while they are to be read.
  let known: Map<string, string> | undefined;
  let reading = false;
  let starting = false;
  let checking = false;

  const check = async () => {
    if (checking || (!known && !reading)) return;
    checking = true;
    try {
      if (reading) {
        const current = await registerTaskIds(pool, identifiers);
        reading = false;
        known = current;
        log.debug({ taskIds: Object.fromEntries(current) }, 'read the task ids this worker uses');
        return;
      }
      if (!known) return;
      const current = await taskIds(pool, identifiers);
      const runnerIds = known;
      if (!runnerIds) return; // a new runner started meanwhile
      const changes: string[] = [];
      for (const [identifier, id] of current) {
        const before = runnerIds.get(identifier);
        // A row deleted and not yet re-inserted does no harm; one inserted again has a new id.
        if (before !== undefined && before !== id) changes.push(`${identifier} ${before} → ${id}`);
      }
      if (changes.length > 0) {
        known = undefined;
        onStale(changes.join(', '));
      }
    } catch (error) {
      log.warn({ err: error }, 'could not read the task ids; trying again');
    } finally {
      checking = false;
    }
  };

  // A new runner reads the ids as it starts; after a reconnect it keeps the ones it had.
  const onPool = () => {
    starting = true;
    known = undefined;
    reading = false;
  };
  const onListen = () => {
    if (!starting) return;
    starting = false;
    reading = true;
    void check();
  };
  events.on('pool:create', onPool);
  events.on('pool:listen:success', onListen);
  const timer = setInterval(() => void check(), intervalMs);
  timer.unref();

  return {
    stop() {
      clearInterval(timer);
      events.off('pool:create', onPool);
      events.off('pool:listen:success', onListen);
    },
  };
}
