import type { EventEmitter } from 'node:events';
import type { Job } from 'graphile-worker';
import type { WorkerOutcome } from '../db/db.ts';
import type { Metrics } from '../metrics.ts';

/** JobOutcome is how one run of a job ended, as the history and the metrics see it. */
export interface JobOutcome {
  readonly job: Job;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly outcome: WorkerOutcome;
  readonly error?: string;
}

/**
 * watchJobs turns graphile-worker's job events into JobOutcomes. A job fails for good when it
 * has no attempts left, or when its error says so (PermanentError: graphile-worker's in-memory
 * job does not know that the task gave it up).
 */
export function watchJobs(
  events: EventEmitter,
  onOutcome: (outcome: JobOutcome) => void,
): () => void {
  const started = new Map<string, Date>();
  const onStart = ({ job }: { job: Job }) => started.set(job.id, new Date());
  const onComplete = ({ job, error }: { job: Job; error: unknown }) => {
    const finishedAt = new Date();
    const startedAt = started.get(job.id) ?? finishedAt;
    started.delete(job.id);
    if (error === undefined || error === null) {
      onOutcome({ job, startedAt, finishedAt, outcome: 'success' });
      return;
    }
    const permanent =
      (error as { permanent?: boolean }).permanent === true || job.attempts >= job.max_attempts;
    onOutcome({
      job,
      startedAt,
      finishedAt,
      outcome: permanent ? 'failed' : 'error',
      error: error instanceof Error ? error.message : String(error),
    });
  };
  events.on('job:start', onStart);
  events.on('job:complete', onComplete);
  return () => {
    events.off('job:start', onStart);
    events.off('job:complete', onComplete);
  };
}

/** recordMetrics feeds job outcomes and cron ticks from a worker's events into the metrics. */
export function recordMetrics(metrics: Metrics, events: EventEmitter): () => void {
  const stopJobs = watchJobs(events, ({ job, startedAt, finishedAt, outcome }) => {
    const task = job.task_identifier;
    metrics.jobs.inc({ task, outcome });
    metrics.jobDuration.observe({ task }, (finishedAt.getTime() - startedAt.getTime()) / 1000);
    metrics.jobLateness.observe(
      { task },
      Math.max(0, startedAt.getTime() - new Date(job.run_at).getTime()) / 1000,
    );
  });
  const onCron = ({
    jobsAndIdentifiers,
  }: {
    jobsAndIdentifiers: Array<{ job: { task: string } }>;
  }) => {
    for (const { job } of jobsAndIdentifiers) metrics.cronTicks.inc({ task: job.task });
  };
  events.on('cron:scheduled', onCron);
  return () => {
    stopJobs();
    events.off('cron:scheduled', onCron);
  };
}
