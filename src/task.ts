import type { Job, JobHelpers, Task } from 'graphile-worker';
import { z } from 'zod';
import type { Config } from './config.ts';
import { giveUpJob } from './db/queries.ts';
import type { Duration } from './duration.ts';
import type { Logger } from './log.ts';
import type { Channels } from './notifications/channels.ts';

/** cronPayload is what graphile-worker gives a crontab task: the tick it runs for. */
export const cronPayload = z.object({
  _cron: z.object({ ts: z.string(), backfilled: z.boolean().optional() }).optional(),
});

/** TaskContext is what a task gets besides its payload: the service's config, log and channels. */
export interface TaskContext {
  readonly config: Config;
  readonly log: Logger;
  readonly channels: Channels;
}

/**
 * RunContext is what one run of a task gets besides its payload: the service's context and the
 * signal that aborts when the attempt timed out or the worker is shutting down. A task passes it
 * to its I/O (a webhook's fetch) so that an abandoned attempt stops instead of running on.
 */
export interface RunContext extends TaskContext {
  readonly signal: AbortSignal;
}

/**
 * TaskDefinition is what a file in tasks/ exports by default. `run` may return how many things
 * it changed: a crontab tick that returns 0 found nothing to do and leaves no job history.
 * `timeout` (a duration, "30 seconds") bounds each attempt unless TASK_TIMEOUTS says otherwise.
 */
export interface TaskDefinition<Schema extends z.ZodType = z.ZodType> {
  readonly payload: Schema;
  readonly timeout?: string;
  run(payload: z.output<Schema>, helpers: JobHelpers, context: RunContext): Promise<unknown>;
}

/**
 * idleTicks holds the crontab jobs whose task found nothing to do (it returned 0): the job
 * history leaves them out, so that an idle replica's every-minute sweeps write nothing.
 * Failures are always recorded.
 */
export const idleTicks = new WeakSet<Job>();

/**
 * PermanentError is a failure that retrying cannot fix. Throw it after giveUpJob so that the
 * history and the metrics count the job as failed for good.
 */
export class PermanentError extends Error {
  override name = 'PermanentError';
  readonly permanent = true;
}

/** PayloadError says which field of a job's payload is wrong; such a job fails for good at once. */
export class PayloadError extends PermanentError {
  override name = 'PayloadError';
}

/**
 * TaskTimeoutError is an attempt that ran past its task's timeout. The job fails and is retried
 * with graphile-worker's backoff; its worker slot is free at once.
 */
export class TaskTimeoutError extends Error {
  override name = 'TaskTimeoutError';
  constructor(identifier: string, timeout: Duration, source: string) {
    super(`${identifier} timed out after ${timeout.text} (${source}); retried`);
  }
}

/** TaskLimit is how bindTask bounds a task's attempts: the timeout, and where it was set. */
export interface TaskLimit {
  readonly timeout: Duration | null;
  /** source names where the timeout comes from, for the error: "TASK_TIMEOUTS", "the task's default". */
  readonly source: string;
}

/**
 * defineTask declares a task: its payload schema and what it does (bindTask runs it). It only
 * gives the definition its types.
 */
export function defineTask<Schema extends z.ZodType>(
  definition: TaskDefinition<Schema>,
): TaskDefinition<Schema> {
  return definition;
}

/**
 * bindTask turns a definition into the function graphile-worker calls. The payload arrives as
 * `unknown` and is parsed first; a payload that cannot parse will never parse, so the job is
 * failed permanently at once, with an error naming the field, instead of being retried.
 */
export function bindTask(
  identifier: string,
  definition: TaskDefinition,
  context: TaskContext,
  limit: TaskLimit = { timeout: null, source: '' },
): Task {
  return async (raw, helpers) => {
    const parsed = definition.payload.safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .map((issue) => `${issue.path.length ? issue.path.join('.') : 'payload'}: ${issue.message}`)
        .join('; ');
      await helpers.withPgClient((client) => giveUpJob(client, helpers.job.id));
      throw new PayloadError(`invalid ${identifier} payload (${problems}); not retried`);
    }
    const changed = await runBounded(
      identifier,
      limit,
      context.log,
      (signal) => definition.run(parsed.data, helpers, { ...context, signal }),
      helpers.abortSignal,
    );
    if (changed === 0 && isCronTick(raw)) idleTicks.add(helpers.job);
  };
}

/**
 * runBounded runs one attempt, failing it with a TaskTimeoutError once it runs past the limit:
 * the signal aborts (so I/O that takes it stops), and the job is handed back to graphile-worker
 * at once, freeing its slot, whether or not the task has noticed.
 */
async function runBounded(
  identifier: string,
  limit: TaskLimit,
  log: Logger,
  run: (signal: AbortSignal) => Promise<unknown>,
  shutdown: AbortSignal,
): Promise<unknown> {
  const { timeout } = limit;
  if (timeout === null) return run(shutdown);
  const controller = new AbortController();
  const attempt = run(AbortSignal.any([shutdown, controller.signal]));
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new TaskTimeoutError(identifier, timeout, limit.source);
      controller.abort(error);
      reject(error);
    }, timeout.ms);
  });
  try {
    return await Promise.race([attempt, expired]);
  } catch (error) {
    if (controller.signal.aborted) {
      // The attempt runs on until it notices the signal; its end is only worth a line.
      attempt.then(
        () => log.warn({ task: identifier }, 'a timed-out attempt finished in the background'),
        () => {},
      );
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function isCronTick(payload: unknown): boolean {
  return typeof payload === 'object' && payload !== null && '_cron' in payload;
}
