// The schedule API the GraphQL layer calls: each operation is one transaction on the client it
// is given, or one savepoint of the transaction the client is already in. The row trigger of
// app_public.schedules adds, moves or removes the schedule's one job in that same transaction.
import type pg from 'pg';
import {
  changeSchedule,
  deleteScheduleRow,
  insertSchedule,
  isTimeZone,
  lockSchedule,
  type ScheduleRow,
  type ScheduleValues,
  scheduleSettings,
  updateScheduleRow,
} from '../db/queries.ts';
import {
  badInput,
  ScheduleError,
  type ScheduleInput,
  type SchedulePatch,
  schedulePatch,
  toProblem,
  triggerOf,
  type ValidSchedule,
  validateSchedule,
} from './input.ts';
import type { Actor } from './kind.ts';
import { SCHEDULE_KINDS } from './kinds.ts';
import { nextOccurrence, upcomingOccurrences } from './trigger.ts';

/** MAX_UPCOMING bounds upcoming()'s count. */
export const MAX_UPCOMING = 100;

/**
 * createSchedule checks the input (validateSchedule), that the actor may schedule its kind
 * (DENYD), that Postgres knows its zone, and writes it with its first occurrence and job.
 */
export async function createSchedule(
  client: pg.ClientBase,
  actor: Actor,
  input: ScheduleInput,
): Promise<ScheduleRow> {
  return inTransaction(client, async () => {
    const now = new Date();
    const valid = validateSchedule(input, { ...(await scheduleSettings(client)), now });
    await authorize(client, actor, valid);
    if (valid.values.run_at && valid.values.run_at.getTime() < now.getTime() - 60_000)
      throw badInput([{ field: 'runAt', message: 'must be now or in the future' }]);
    return insertSchedule(client, { ...valid.values, next_run_at: first(valid, now) }, actor.id);
  });
}

/**
 * updateSchedule changes the fields a patch names. A patch naming another trigger (runAt, every
 * or cron) replaces the old one; a changed trigger, zone, start or end recomputes next_run_at
 * from now and moves the pending job.
 */
export async function updateSchedule(
  client: pg.ClientBase,
  actor: Actor,
  id: string,
  patch: SchedulePatch,
): Promise<ScheduleRow> {
  return inTransaction(client, async () => {
    const checked = schedulePatch.safeParse(patch);
    if (!checked.success) throw badInput(checked.error.issues.map((issue) => toProblem(issue)));
    const current = await manageable(client, actor, id);
    const merged = merge(current, patch);
    const now = new Date();
    const valid = validateSchedule(merged, { ...(await scheduleSettings(client)), now });
    await authorize(client, actor, valid);
    const moved = (
      ['trigger', 'run_at', 'every', 'cron', 'time_zone', 'starts_at', 'ends_at'] as const
    ).some((column) => String(valid.values[column]) !== String(current[column]));
    const values: ScheduleValues = {
      ...valid.values,
      paused: current.paused,
      next_run_at: moved ? first(valid, now) : current.next_run_at,
    };
    return updateScheduleRow(client, id, values);
  });
}

/** pauseSchedule pauses a schedule: its job goes, next_run_at stays. Pausing twice is fine. */
export function pauseSchedule(
  client: pg.ClientBase,
  actor: Actor,
  id: string,
): Promise<ScheduleRow> {
  return change(client, actor, id, 'pause');
}

/**
 * resumeSchedule resumes a paused schedule: its job comes back for next_run_at; an occurrence
 * that passed meanwhile runs if within the misfire grace, else is recorded skipped.
 */
export function resumeSchedule(
  client: pg.ClientBase,
  actor: Actor,
  id: string,
): Promise<ScheduleRow> {
  return change(client, actor, id, 'resume');
}

/**
 * runScheduleNow runs a schedule's kind once now, then goes on with its next occurrence after
 * now. ILLTR when it is paused.
 */
export function runScheduleNow(
  client: pg.ClientBase,
  actor: Actor,
  id: string,
): Promise<ScheduleRow> {
  return change(client, actor, id, 'run_now');
}

/** deleteSchedule deletes a schedule, its job and its runs; returns the row as it was. */
export async function deleteSchedule(
  client: pg.ClientBase,
  actor: Actor,
  id: string,
): Promise<ScheduleRow> {
  return inTransaction(client, async () => {
    const current = await manageable(client, actor, id);
    await deleteScheduleRow(client, id);
    return current;
  });
}

/**
 * upcoming lists a schedule's next `count` occurrences (at most MAX_UPCOMING) from its
 * next_run_at on; none when it is finished.
 */
export function upcoming(schedule: ScheduleRow, count: number): Date[] {
  const n = Math.max(0, Math.min(Math.floor(count), MAX_UPCOMING));
  return upcomingOccurrences(scheduleTrigger(schedule), schedule.next_run_at, n);
}

/** scheduleTrigger is the trigger of a stored schedule. */
export function scheduleTrigger(schedule: ScheduleRow) {
  return triggerOf(schedule, schedule.every_ms);
}

function first(valid: ValidSchedule, now: Date): Date | null {
  // A once schedule runs at runAt even if that is a few seconds gone; the others from now on.
  if (valid.trigger.type === 'once') return valid.trigger.runAt;
  return nextOccurrence(valid.trigger, new Date(now.getTime() - 1));
}

/** authorize refuses a kind the actor may not schedule (DENYD), or a zone Postgres does not know. */
async function authorize(client: pg.ClientBase, actor: Actor, valid: ValidSchedule): Promise<void> {
  if (!valid.kind.mayCreate(actor, valid.values.payload as { userId: string }))
    throw new ScheduleError('DENYD', `you may not schedule ${valid.kind.name} for this user`, [
      { field: 'kind', message: `not allowed for a ${actor.role}` },
    ]);
  const zone = valid.values.time_zone;
  if (zone && !(await isTimeZone(client, zone)))
    throw badInput([{ field: 'timeZone', message: `"${zone}" is not a time zone Postgres knows` }]);
}

async function change(
  client: pg.ClientBase,
  actor: Actor,
  id: string,
  what: 'pause' | 'resume' | 'run_now',
): Promise<ScheduleRow> {
  return inTransaction(client, async () => {
    await manageable(client, actor, id);
    try {
      return await changeSchedule(client, what, id);
    } catch (error) {
      const { code, message } = error as { code?: string; message: string };
      if (code === 'ILLTR') throw new ScheduleError('ILLTR', message);
      throw error;
    }
  });
}

/**
 * manageable locks a schedule the actor may change: admins any, a user those they created
 * whose kind they may still schedule. NTFND when the actor may not even see it.
 */
async function manageable(client: pg.ClientBase, actor: Actor, id: string): Promise<ScheduleRow> {
  const schedule = /^[0-9a-f-]{36}$/i.test(id) ? await lockSchedule(client, id) : undefined;
  const visible =
    schedule &&
    (actor.role === 'admin' || schedule.created_by === actor.id || schedule.user_id === actor.id);
  if (!schedule || !visible) throw new ScheduleError('NTFND', `schedule ${id} not found`);
  const kind = SCHEDULE_KINDS.get(schedule.kind);
  const parsed = kind?.payload.safeParse(schedule.payload);
  const allowed =
    actor.role === 'admin' ||
    (schedule.created_by === actor.id && parsed?.success && kind?.mayCreate(actor, parsed.data));
  if (!allowed) throw new ScheduleError('DENYD', `you may not change schedule ${id}`);
  return schedule;
}

/** merge applies a patch to a stored schedule; a patch naming another trigger drops the old one. */
function merge(current: ScheduleRow, patch: SchedulePatch): ScheduleInput {
  const type =
    patch.runAt != null
      ? 'once'
      : patch.every != null
        ? 'interval'
        : patch.cron != null
          ? 'cron'
          : current.trigger;
  const keep = type === current.trigger;
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  return {
    name: current.name,
    kind: current.kind,
    payload: current.payload,
    runAt: type === 'once' && keep ? current.run_at : null,
    every: type === 'interval' && keep ? current.every : null,
    cron: type === 'cron' && keep ? current.cron : null,
    timeZone: type === 'cron' && keep ? current.time_zone : null,
    startsAt: type !== 'once' && keep ? current.starts_at : null,
    endsAt: type !== 'once' && keep ? current.ends_at : null,
    misfireGrace: current.misfire_grace,
    ...defined,
  };
}

/**
 * inTransaction runs fn in a transaction of its own, or, when the client is already in one (a
 * GraphQL mutation's), in a savepoint of it: either way all or nothing of fn is written.
 */
async function inTransaction<T>(client: pg.ClientBase, fn: () => Promise<T>): Promise<T> {
  const nested = await client.query('savepoint schedule_operation').then(
    () => true,
    (error: { code?: string }) => {
      // 25P01: no transaction block to make a savepoint in.
      if (error.code !== '25P01') throw error;
      return false;
    },
  );
  if (!nested) await client.query('begin');
  try {
    const result = await fn();
    await client.query(nested ? 'release savepoint schedule_operation' : 'commit');
    return result;
  } catch (error) {
    await client
      .query(nested ? 'rollback to savepoint schedule_operation' : 'rollback')
      .catch(() => {});
    throw error;
  }
}
