import type { EventEmitter } from 'node:events';
import type pg from 'pg';
import { type JobRunReport, reportJobRuns } from '../db/queries.ts';
import type { Logger } from '../log.ts';
import { idleTicks } from '../task.ts';
import { watchJobs } from './job-events.ts';

/** FLUSH_MS and FLUSH_ROWS bound how long and how much a worker's reports wait before they are sent. */
const FLUSH_MS = 200;
const FLUSH_ROWS = 200;
/** RETRY_MS is how long reports that could not be applied wait before the next try. */
const RETRY_MS = 1_000;
/** MAX_PENDING bounds the reports kept while the database is away; beyond it the oldest go. */
const MAX_PENDING = 10_000;

/** JobHistory reports a worker's job runs to app_private.job_history. */
export interface JobHistory {
  /** stop sends what is still buffered. */
  stop(): Promise<void>;
}

/**
 * recordJobHistory completes the history of this worker's job runs. The run itself enters
 * app_private.job_history in the transaction that completes or fails the job (triggers on
 * graphile-worker's jobs table, sql/0016_history_at_completion.sql), so a worker killed at any
 * moment loses no history. What only the worker knows follows in batches (one statement per
 * FLUSH_MS or FLUSH_ROWS): when each attempt started and how long it ran; that a crontab tick
 * found nothing to do (task.ts, idleTicks; its row is removed, or it would be most of the
 * history of a quiet day); and a run the triggers could not see, because its lock was taken
 * away (the worker declared dead) before its completion committed. A report whose completion
 * has not committed yet, or that the database refused (while it restarts), is sent again later.
 */
export function recordJobHistory(pool: pg.Pool, events: EventEmitter, log: Logger): JobHistory {
  let buffer: JobRunReport[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let stopped = false;

  const keep = (reports: JobRunReport[]) => {
    buffer = [...reports, ...buffer];
    const dropped = buffer.length - MAX_PENDING;
    if (dropped > 0) buffer = buffer.slice(dropped);
    return Math.max(0, dropped);
  };

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (buffer.length === 0) return writing;
    const reports = buffer;
    buffer = [];
    writing = writing.then(() =>
      reportJobRuns(pool, reports).then(
        (held) => {
          // Completions graphile-worker has not committed yet (WORKER_BATCH_DELAY): next time.
          if (held.length === 0) return;
          const dropped = keep(held);
          if (dropped > 0) log.warn({ dropped }, 'job run reports dropped: too many waiting');
          if (stopped) {
            log.warn(
              { rows: held.length },
              'stopping with job runs whose completion has not committed; their history stays as the database wrote it',
            );
          } else timer ??= setTimeout(flush, FLUSH_MS);
        },
        (error) => {
          // The database is away (restarting, the connection cut): the reports wait for the
          // next try instead of being lost, oldest first.
          const dropped = keep(reports);
          log.warn(
            { err: error, rows: reports.length, dropped },
            'could not report job runs to the history; trying again',
          );
          if (stopped) log.warn({ rows: reports.length }, 'stopping with job runs not reported');
          else timer ??= setTimeout(flush, RETRY_MS);
        },
      ),
    );
    return writing;
  };

  const stopWatching = watchJobs(events, ({ job, startedAt, finishedAt, outcome, error }) => {
    buffer.push({
      job_id: job.id,
      task: job.task_identifier,
      job_key: job.key,
      attempt: job.attempts,
      run_at: new Date(job.run_at),
      taken_at: job.locked_at,
      started_at: startedAt,
      finished_at: finishedAt,
      duration_ms: finishedAt.getTime() - startedAt.getTime(),
      outcome,
      error: error ?? null,
      worker_id: job.locked_by,
      payload: job.payload,
      idle: outcome === 'success' && idleTicks.has(job),
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
