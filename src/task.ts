import type { Job, JobHelpers, Task } from 'graphile-worker';
import { z } from 'zod';
import type { Config } from './config.ts';
import { giveUpJob } from './db/queries.ts';
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
 * TaskDefinition is what a file in tasks/ exports by default. `run` may return how many things
 * it changed: a crontab tick that returns 0 found nothing to do and leaves no job history.
 */
export interface TaskDefinition<Schema extends z.ZodType = z.ZodType> {
  readonly payload: Schema;
  run(payload: z.output<Schema>, helpers: JobHelpers, context: TaskContext): Promise<unknown>;
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
    const changed = await definition.run(parsed.data, helpers, context);
    if (changed === 0 && isCronTick(raw)) idleTicks.add(helpers.job);
  };
}

function isCronTick(payload: unknown): boolean {
  return typeof payload === 'object' && payload !== null && '_cron' in payload;
}
