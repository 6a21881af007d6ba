// What the run_schedule job does for one occurrence, in ONE transaction: lock the schedule,
// ignore a stale job, apply the misfire policy, run the kind's action, record the run and set
// the next occurrence (whose job the row trigger adds in the same transaction).
import type pg from 'pg';
import { finishScheduleOccurrence, lockScheduleOccurrence } from '../db/queries.ts';
import { PermanentError } from '../task.ts';
import { SCHEDULE_KINDS } from './kinds.ts';
import { scheduleTrigger } from './operations.ts';
import { dueOccurrences, nextOccurrence } from './trigger.ts';

/** OccurrenceOutcome is what became of a run_schedule job. */
export type OccurrenceOutcome =
  | { readonly outcome: 'stale' }
  | {
      readonly outcome: 'ran' | 'skipped';
      /** coalesced is how many occurrences the run stands for (missed ones folded in). */
      readonly coalesced: number;
      readonly next: Date | null;
    };

/**
 * runOccurrence handles the occurrence a run_schedule job was added for. A job is stale (and
 * does nothing) when its schedule is gone, paused, finished or has moved on to another
 * occurrence: a rerun after a crash between this commit and the job's completion finds
 * next_run_at moved on. The occurrences that came meanwhile coalesce into one run: the latest
 * of them runs if it is at most the misfire grace late, else all are recorded skipped. The next
 * occurrence is the first after both now and this one.
 */
export async function runOccurrence(
  client: pg.ClientBase,
  job: { scheduleId: string; occurrence: string; jobId: string },
): Promise<OccurrenceOutcome> {
  await client.query('begin');
  try {
    const locked = await lockScheduleOccurrence(client, job.scheduleId, job.occurrence);
    if (!locked) {
      await client.query('commit');
      return { outcome: 'stale' };
    }
    const { schedule, graceMs, now } = locked;
    const trigger = scheduleTrigger(schedule);
    const occurrence = schedule.next_run_at as Date;
    const { count, latest } = dueOccurrences(trigger, occurrence, now);
    const late = now.getTime() - latest.getTime();
    const outcome = late <= graceMs ? 'ran' : 'skipped';
    if (outcome === 'ran') {
      const kind = SCHEDULE_KINDS.get(schedule.kind);
      const payload = kind?.payload.safeParse(schedule.payload);
      if (!kind || !payload?.success)
        throw new PermanentError(
          `schedule ${schedule.id}: kind ${schedule.kind} or its payload is not valid`,
        );
      await kind.run(client, { schedule, payload: payload.data, occurrence: latest });
    }
    const after = new Date(Math.max(now.getTime(), latest.getTime()));
    const next = nextOccurrence(trigger, after);
    await finishScheduleOccurrence(client, {
      scheduleId: schedule.id,
      occurrence: job.occurrence,
      outcome,
      coalesced: count,
      jobId: job.jobId,
      next,
    });
    await client.query('commit');
    return { outcome, coalesced: count, next };
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  }
}
