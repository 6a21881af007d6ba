// What a caller may ask for, checked before anything is written: every problem names its field
// (as the GraphQL API spells it) and carries the domain error code BADIN.
import { z } from 'zod';
import type { DomainErrorCode } from '../db/errors.ts';
import type { ScheduleTrigger, ScheduleValues } from '../db/queries.ts';
import { parseDuration } from '../duration.ts';
import type { ScheduleKind } from './kind.ts';
import { SCHEDULE_KINDS } from './kinds.ts';
import { parseCron, type Trigger } from './trigger.ts';

/** FieldProblem is one thing wrong with an input, and the field it is wrong in. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/**
 * ScheduleError is a refused schedule operation: `code` is one of the domain error codes
 * (BADIN for bad input, NTFND, DENYD, ILLTR), `field` the first field at fault (if any) and
 * `problems` every one found. The message is written for the client.
 */
export class ScheduleError extends Error {
  override name = 'ScheduleError';
  readonly code: DomainErrorCode;
  readonly field: string | undefined;
  readonly problems: readonly FieldProblem[];
  constructor(code: DomainErrorCode, message: string, problems: readonly FieldProblem[] = []) {
    super(message);
    this.code = code;
    this.field = problems[0]?.field;
    this.problems = problems;
  }
}

const time = z.union([z.date(), z.iso.datetime({ offset: true })]).transform((v) => new Date(v));

/** scheduleInput is the shape of a new schedule: exactly one of runAt, every and cron. */
export const scheduleInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  kind: z.string(),
  payload: z.unknown(),
  runAt: time.nullish(),
  every: z.string().nullish(),
  cron: z.string().trim().nullish(),
  timeZone: z.string().trim().nullish(),
  startsAt: time.nullish(),
  endsAt: time.nullish(),
  misfireGrace: z.string().nullish(),
  paused: z.boolean().optional(),
});

/** ScheduleInput is what createSchedule takes (GraphQL's createSchedule input). */
export type ScheduleInput = z.input<typeof scheduleInput>;

/** schedulePatch is the shape of a change: any field of a schedule but `paused` (pause, resume). */
export const schedulePatch = scheduleInput.omit({ paused: true }).partial();

/** SchedulePatch is what updateSchedule takes: the fields to change. */
export type SchedulePatch = z.input<typeof schedulePatch>;

/** ValidSchedule is a checked schedule: its kind, its columns and its trigger. */
export interface ValidSchedule {
  readonly kind: ScheduleKind;
  readonly values: Omit<ScheduleValues, 'next_run_at'>;
  readonly trigger: Trigger;
}

/** Limits are what validation needs besides the input: the minimum interval and the time. */
export interface Limits {
  readonly minIntervalMs: number;
  readonly now: Date;
}

/** CRON_SAMPLE is how many coming runs of a cron expression are compared with SCHEDULE_MIN_INTERVAL. */
const CRON_SAMPLE = 10;

const EARLIEST = Date.parse('1900-01-01T00:00:00Z');
const LATEST = Date.parse('9999-01-01T00:00:00Z');

/**
 * validateSchedule checks a whole schedule (zod shape, exactly one trigger, the cron expression
 * and its zone, the interval minimum, end after start, the kind and its payload) and returns it
 * ready to write, or throws a ScheduleError (BADIN) naming every field at fault.
 */
export function validateSchedule(input: unknown, limits: Limits): ValidSchedule {
  const parsed = scheduleInput.safeParse(input);
  if (!parsed.success) throw badInput(parsed.error.issues.map((issue) => toProblem(issue)));
  const s = parsed.data;
  const problems: FieldProblem[] = [];
  const bad = (field: string, message: string) => problems.push({ field, message });

  const given = (['runAt', 'every', 'cron'] as const).filter((f) => s[f] != null);
  if (given.length !== 1)
    bad('trigger', `give exactly one of runAt, every and cron (got ${given.join(', ') || 'none'})`);
  const type: ScheduleTrigger = s.runAt ? 'once' : s.every ? 'interval' : 'cron';

  for (const [field, value] of [
    ['runAt', s.runAt],
    ['startsAt', s.startsAt],
    ['endsAt', s.endsAt],
  ] as const) {
    if (value && (value.getTime() < EARLIEST || value.getTime() >= LATEST))
      bad(field, 'must lie between 1900-01-01 and 9999-01-01');
  }
  if (type === 'once') {
    if (s.startsAt) bad('startsAt', 'a once schedule has no start: runAt is when it runs');
    if (s.endsAt) bad('endsAt', 'a once schedule has no end: runAt is when it runs');
  }
  if (type !== 'cron' && s.timeZone)
    bad('timeZone', 'only a cron schedule has a time zone (intervals are exact elapsed time)');
  if (s.startsAt && s.endsAt && s.endsAt.getTime() <= s.startsAt.getTime())
    bad('endsAt', 'must be after startsAt');

  let everyText: string | null = null;
  let everyMs = 0;
  if (s.every != null) {
    try {
      ({ text: everyText, ms: everyMs } = parseDuration(s.every));
      if (everyMs < limits.minIntervalMs)
        bad('every', `must be at least SCHEDULE_MIN_INTERVAL (${limits.minIntervalMs / 1000} s)`);
    } catch (error) {
      bad('every', `"${s.every}" ${(error as Error).message}`);
    }
  }
  let graceText: string | null = null;
  if (s.misfireGrace != null) {
    try {
      graceText = parseDuration(s.misfireGrace).text;
    } catch (error) {
      bad('misfireGrace', `"${s.misfireGrace}" ${(error as Error).message}`);
    }
  }
  if (type === 'cron' && s.cron != null) {
    if (!s.timeZone) bad('timeZone', 'a cron schedule needs an IANA time zone, e.g. Europe/Madrid');
    else if (!isTimeZoneName(s.timeZone))
      bad('timeZone', `"${s.timeZone}" is not an IANA time zone`);
    else {
      try {
        if (!/^\S+( \S+){4}$/.test(s.cron))
          throw new Error('must have five fields separated by spaces');
        const runs = parseCron(s.cron, s.timeZone).nextRuns(CRON_SAMPLE, limits.now);
        if (runs.length === 0) bad('cron', `"${s.cron}" never runs`);
        const gaps = runs.slice(1).map((run, i) => run.getTime() - (runs[i] as Date).getTime());
        if (Math.min(...gaps) < limits.minIntervalMs)
          bad(
            'cron',
            `runs more often than SCHEDULE_MIN_INTERVAL (${limits.minIntervalMs / 1000} s)`,
          );
      } catch (error) {
        bad('cron', `"${s.cron}" does not parse: ${(error as Error).message}`);
      }
    }
  }

  const kind = SCHEDULE_KINDS.get(s.kind);
  let payload: unknown = s.payload;
  if (!kind) bad('kind', `no schedule kind "${s.kind}" (${[...SCHEDULE_KINDS.keys()].join(', ')})`);
  else {
    const result = kind.payload.safeParse(s.payload);
    if (result.success) payload = result.data;
    else for (const issue of result.error.issues) problems.push(toProblem(issue, 'payload'));
  }
  if (problems.length > 0 || !kind) throw badInput(problems);

  const startsAt =
    type === 'interval'
      ? (s.startsAt ?? new Date(limits.now.getTime() + everyMs))
      : (s.startsAt ?? null);
  const values = {
    name: s.name,
    kind: kind.name,
    payload,
    trigger: type,
    run_at: s.runAt ?? null,
    every: everyText,
    cron: type === 'cron' ? (s.cron ?? null) : null,
    time_zone: type === 'cron' ? (s.timeZone ?? null) : null,
    starts_at: startsAt,
    ends_at: s.endsAt ?? null,
    paused: s.paused ?? false,
    misfire_grace: graceText,
  };
  return { kind, values, trigger: triggerOf(values, everyMs) };
}

/** triggerOf is the trigger a schedule's columns describe. */
export function triggerOf(
  s: Pick<ScheduleValues, 'trigger' | 'run_at' | 'cron' | 'time_zone' | 'starts_at' | 'ends_at'>,
  everyMs: number | null,
): Trigger {
  if (s.trigger === 'once') return { type: 'once', runAt: s.run_at as Date };
  if (s.trigger === 'interval')
    return {
      type: 'interval',
      everyMs: everyMs as number,
      startsAt: s.starts_at as Date,
      endsAt: s.ends_at,
    };
  return {
    type: 'cron',
    cron: s.cron as string,
    timeZone: s.time_zone as string,
    startsAt: s.starts_at,
    endsAt: s.ends_at,
  };
}

/** isTimeZoneName says whether the runtime knows an IANA zone name (Postgres is asked too). */
function isTimeZoneName(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** toProblem names the field of a zod issue (under `prefix`, e.g. payload). */
export function toProblem(issue: z.core.$ZodIssue, prefix?: string): FieldProblem {
  const path = [...(prefix ? [prefix] : []), ...issue.path.map(String)];
  const field = path.join('.') || 'input';
  if (issue.code === 'unrecognized_keys')
    return {
      field: [...path, issue.keys[0]].join('.'),
      message: `unknown field(s): ${issue.keys.join(', ')}`,
    };
  return { field, message: issue.message };
}

/** badInput is the BADIN error for a list of problems, its message naming each field. */
export function badInput(problems: readonly FieldProblem[]): ScheduleError {
  const text = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  return new ScheduleError('BADIN', `invalid schedule: ${text}`, problems);
}
