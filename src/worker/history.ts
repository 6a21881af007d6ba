import type { EventEmitter } from 'node:events';
import type pg from 'pg';
import { insertJobHistory, type JobHistoryRow } from '../db/queries.ts';
import type { Logger } from '../log.ts';
import { idleTicks } from '../task.ts';
import { watchJobs } from './job-events.ts';

/** FLUSH_MS and FLUSH_ROWS bound how long and how much history waits before it is written. */
const FLUSH_MS = 200;
const FLUSH_ROWS = 200;
/** RETRY_MS is how long history that could not be written waits before the next try. */
const RETRY_MS = 1_000;
/** MAX_PENDING bounds the history kept while the database is away; beyond it the oldest goes. */
const MAX_PENDING = 10_000;

/** JobHistory writes a worker's job outcomes to app_private.job_history. */
export interface JobHistory {
  /** stop writes what is still buffered. */
  stop(): Promise<void>;
}

/**
 * recordJobHistory keeps every job outcome of this worker in app_private.job_history, in
 * batches (one insert per FLUSH_MS or FLUSH_ROWS) so that the history costs the queue little.
 * A crash loses at most the last FLUSH_MS of history, never a job; history the database
 * refused (while it restarts) is kept and written on a later try. A crontab tick that found
 * nothing to do (task.ts, idleTicks) is left out: it would be most of the history of a quiet day.
 */
export function recordJobHistory(pool: pg.Pool, events: EventEmitter, log: Logger): JobHistory {
  let buffer: JobHistoryRow[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let stopped = false;

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (buffer.length === 0) return writing;
    const rows = buffer;
    buffer = [];
    writing = writing.then(() =>
      insertJobHistory(pool, rows).catch((error) => {
        // The database is away (restarting, the connection cut): the rows wait for the next
        // try instead of being lost, oldest first, so that a live worker's history is complete.
        buffer = [...rows, ...buffer];
        const dropped = buffer.length - MAX_PENDING;
        if (dropped > 0) buffer = buffer.slice(dropped);
        log.warn(
          { err: error, rows: rows.length, dropped: Math.max(0, dropped) },
          'could not write job history; trying again',
        );
        if (!stopped) timer ??= setTimeout(flush, RETRY_MS);
      }),
    );
    return writing;
  };

  const stopWatching = watchJobs(events, ({ job, startedAt, finishedAt, outcome, error }) => {
    if (outcome === 'success' && idleTicks.has(job)) return;
    buffer.push({
      job_id: job.id,
      task: job.task_identifier,
      job_key: job.key,
      attempt: job.attempts,
      run_at: new Date(job.run_at),
      started_at: startedAt,
      finished_at: finishedAt,
      duration_ms: finishedAt.getTime() - startedAt.getTime(),
      outcome,
      error: error ?? null,
      worker_id: job.locked_by,
      payload: job.payload,
    });
    if (buffer.length >= FLUSH_ROWS) void flush();
    else timer ??= setTimeout(flush, FLUSH_MS);
  });

  return {
    async stop() {
      stopWatching();
      stopped = true;
      await flush();
      clearTimeout(timer);
    },
  };
}
