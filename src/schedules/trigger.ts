// When a schedule runs: its occurrences, computed from the trigger alone (no clock, no
// database), so that the worker, the API's upcoming() and the tests agree.
import { Cron } from 'croner';

/**
 * Trigger is exactly one of a schedule's three triggers. An interval schedule's occurrences are
 * startsAt + k * everyMs (exact elapsed time, whatever the zone); a cron schedule's are the
 * expression's times read in timeZone, between startsAt and endsAt (both inclusive).
 */
export type Trigger =
  | { readonly type: 'once'; readonly runAt: Date }
  | {
      readonly type: 'interval';
      readonly everyMs: number;
      readonly startsAt: Date;
      readonly endsAt: Date | null;
    }
  | {
      readonly type: 'cron';
      readonly cron: string;
      readonly timeZone: string;
      readonly startsAt: Date | null;
      readonly endsAt: Date | null;
    };

/** MAX_COUNTED bounds how many missed occurrences are counted one by one when they coalesce. */
export const MAX_COUNTED = 10_000;

/**
 * parseCron reads a standard five-field expression in an IANA zone, or throws an Error saying
 * what is wrong. croner 11: a time in the spring-forward gap runs once, at the first valid
 * instant after the gap; a time that occurs twice in autumn runs once, at its first occurrence.
 */
export function parseCron(expression: string, timeZone: string): Cron {
  const key = `${timeZone} ${expression}`;
  let cron = parsed.get(key);
  if (!cron) {
    cron = new Cron(expression, { timezone: timeZone, mode: '5-part' });
    // Thousands of schedules share a few expressions; a worker keeps at most PARSED_MAX.
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(key, cron);
  }
  return cron;
}

/** PARSED_MAX bounds the expressions parseCron keeps parsed. */
const PARSED_MAX = 1_000;
const parsed = new Map<string, Cron>();

/**
 * nextOccurrence is the trigger's first occurrence strictly after `after`, or null when it has
 * none left (a once schedule past its time, an end passed, a cron that never matches again).
 */
export function nextOccurrence(trigger: Trigger, after: Date): Date | null {
  const t = after.getTime();
  switch (trigger.type) {
    case 'once':
      return trigger.runAt.getTime() > t ? trigger.runAt : null;
    case 'interval': {
      const start = trigger.startsAt.getTime();
      const k = t < start ? 0 : Math.floor((t - start) / trigger.everyMs) + 1;
      return within(new Date(start + k * trigger.everyMs), trigger.endsAt);
    }
    case 'cron': {
      // From just before startsAt, so that startsAt itself may be an occurrence.
      const from =
        trigger.startsAt && trigger.startsAt.getTime() > t
          ? new Date(trigger.startsAt.getTime() - 1)
          : after;
      return within(parseCron(trigger.cron, trigger.timeZone).nextRun(from), trigger.endsAt);
    }
  }
}

function within(next: Date | null, endsAt: Date | null): Date | null {
  return next && (!endsAt || next.getTime() <= endsAt.getTime()) ? next : null;
}

/**
 * upcomingOccurrences lists up to `count` occurrences from `first` on (first included): what a
 * schedule whose next run is `first` will run next.
 */
export function upcomingOccurrences(trigger: Trigger, first: Date | null, count: number): Date[] {
  const found: Date[] = [];
  for (let at = first; at && found.length < count; at = nextOccurrence(trigger, at)) found.push(at);
  return found;
}

/**
 * dueOccurrences says which occurrences have come by `now`, from `first` (the one a job was
 * for) on: how many (at least 1; counted up to MAX_COUNTED) and the latest of them.
 */
export function dueOccurrences(
  trigger: Trigger,
  first: Date,
  now: Date,
): { count: number; latest: Date } {
  let count = 1;
  let latest = first;
  if (trigger.type === 'interval') {
    const last = trigger.endsAt ? Math.min(now.getTime(), trigger.endsAt.getTime()) : now.getTime();
    const steps = Math.max(0, Math.floor((last - first.getTime()) / trigger.everyMs));
    return { count: 1 + steps, latest: new Date(first.getTime() + steps * trigger.everyMs) };
  }
  for (;;) {
    const next = nextOccurrence(trigger, latest);
    if (!next || next.getTime() > now.getTime()) return { count, latest };
    if (count >= MAX_COUNTED && trigger.type === 'cron') {
      // Too many to count: the latest before now is found backwards instead.
      const [previous] = parseCron(trigger.cron, trigger.timeZone).previousRuns(
        1,
        new Date(now.getTime() + 1),
      );
      const bounded = previous && within(previous, trigger.endsAt);
      return { count, latest: bounded && bounded > latest ? bounded : latest };
    }
    count++;
    latest = next;
  }
}
