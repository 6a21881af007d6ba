// What fires next in a window: the queued jobs (app_private.upcoming_jobs), the later
// occurrences of runtime schedules and the crontab's ticks (UTC), merged in time order.
import type pg from 'pg';
import { crontabSchedules, runningSchedules, upcomingJobs } from '../db/queries.ts';
import { ScheduleError } from './input.ts';
import { scheduleTrigger } from './operations.ts';
import { nextOccurrence, parseCron } from './trigger.ts';

/** UPCOMING_MAX_WINDOW_MS is the longest window `upcoming` looks into: 7 days. */
export const UPCOMING_MAX_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/** UPCOMING_MAX_ITEMS is the most items `upcoming` returns: the first ones in time order. */
export const UPCOMING_MAX_ITEMS = 200;

/** UpcomingItem is one thing due in the window; kind is booking_timer, reminder, schedule, crontab... */
export interface UpcomingItem {
  readonly at: Date;
  readonly kind: string;
  readonly task: string;
  readonly what: string;
  /** count is how many bookings or messages it moves (a booking timer's bookings), else 1. */
  readonly count: number;
}

/**
 * upcoming lists what is due from `from` (included) to `until` (excluded), at most
 * UPCOMING_MAX_ITEMS, in time order; the crontab's ticks and queued sweeps only `withCrontab`
 * (they tick every minute). BADIN naming `until` when the window is empty or longer than
 * UPCOMING_MAX_WINDOW_MS.
 */
export async function upcoming(
  db: pg.Pool | pg.ClientBase,
  from: Date,
  until: Date,
  withCrontab = true,
) {
  const span = until.getTime() - from.getTime();
  if (!(span > 0) || span > UPCOMING_MAX_WINDOW_MS) {
    const message = span > 0 ? 'must be at most 7 days after from' : 'must be after from';
    throw new ScheduleError('BADIN', `until: ${message}`, [{ field: 'until', message }]);
  }
  const max = UPCOMING_MAX_ITEMS;
  const items: UpcomingItem[] = await upcomingJobs(db, { from, until, max, withCrontab });
  const add = (at: Date | null, item: Omit<UpcomingItem, 'at'>, limit: number) => {
    if (!at || at.getTime() >= until.getTime() || limit >= max) return false;
    items.push({ at, ...item });
    return true;
  };
  // A running schedule's job is its next run (above); the occurrences after it are computed.
  for (const schedule of await runningSchedules(db, until)) {
    const trigger = scheduleTrigger(schedule);
    const item = { kind: 'schedule', task: 'run_schedule', what: schedule.what, count: 1 };
    const start = Math.max((schedule.next_run_at as Date).getTime(), from.getTime() - 1);
    let at = nextOccurrence(trigger, new Date(start));
    for (let n = 0; add(at, item, n); n++) at = at && nextOccurrence(trigger, at);
  }
  for (const entry of withCrontab ? await crontabSchedules(db) : []) {
    const cron = parseCron(entry.schedule, 'UTC');
    const item = { kind: 'crontab', task: entry.task, what: `run ${entry.task}`, count: 1 };
    let at = cron.nextRun(new Date(from.getTime() - 1));
    for (let n = 0; add(at, item, n); n++) at = at && cron.nextRun(at);
  }
  items.sort((a, b) => a.at.getTime() - b.at.getTime());
  return items.slice(0, UPCOMING_MAX_ITEMS);
}
