import { parseCrontab } from 'graphile-worker';

/** CrontabEntry is one line of the crontab as app_private.crontab keeps it. */
export interface CrontabEntry {
  readonly identifier: string;
  readonly task: string;
  /** schedule is the line's five cron fields, e.g. `*\/5 * * * *`. */
  readonly schedule: string;
  /** periodSeconds is the longest time between two ticks of the schedule. */
  readonly periodSeconds: number;
  readonly jobKey: string | null;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/**
 * crontabEntries reads a crontab (graphile-worker's format) into one entry per line, with the
 * longest gap between two ticks of each schedule: how long a sweep may go without running
 * before it is overdue.
 */
export function crontabEntries(text: string): CrontabEntry[] {
  const items = parseCrontab(text);
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (lines.length !== items.length) {
    throw new Error(`the crontab has ${lines.length} lines but ${items.length} entries`);
  }
  return items.map((item, index) => {
    const fields = (lines[index] as string).split(/\s+/).slice(0, 5);
    // Minutes, hours and weekdays repeat every week; a day of the month or a month needs a year.
    const byCalendar = fields[2] !== '*' || fields[3] !== '*';
    return {
      identifier: item.identifier,
      task: item.task,
      schedule: fields.join(' '),
      periodSeconds: longestGap(item.match, byCalendar ? 400 * DAY_MS : 8 * DAY_MS) / 1000,
      jobKey: item.options.jobKey ?? null,
    };
  });
}

/** longestGap walks `windowMs` minute by minute and returns the longest time between two ticks. */
function longestGap(
  match: (digest: {
    min: number;
    hour: number;
    date: number;
    month: number;
    dow: number;
  }) => boolean,
  windowMs: number,
): number {
  // Any fixed start will do; a fixed one makes the answer the same in every process.
  const start = Date.UTC(2024, 0, 1);
  let previous: number | undefined;
  let longest = 0;
  for (let at = start; at <= start + windowMs; at += MINUTE_MS) {
    const ts = new Date(at);
    const digest = {
      min: ts.getUTCMinutes(),
      hour: ts.getUTCHours(),
      date: ts.getUTCDate(),
      month: ts.getUTCMonth() + 1,
      dow: ts.getUTCDay(),
    };
    if (!match(digest)) continue;
    if (previous !== undefined) longest = Math.max(longest, at - previous);
    previous = at;
  }
  // A schedule that ticks at most once in the window is overdue after the whole window.
  return longest || windowMs;
}
