/**
 * Durations are written the way Postgres writes intervals ("24 hours", "15 minutes",
 * "1 day 2 hours", "00:15:00"), so one value reads the same in .env, in SQL and in the README.
 * Months and years are refused: they have no fixed length, and a deadline must.
 */
import { z } from 'zod';

const UNIT_MS: Record<string, number> = {
  microsecond: 0.001,
  millisecond: 1,
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
};

const UNIT_ALIASES: Record<string, string> = {
  us: 'microsecond',
  usec: 'microsecond',
  usecs: 'microsecond',
  microseconds: 'microsecond',
  ms: 'millisecond',
  msec: 'millisecond',
  msecs: 'millisecond',
  milliseconds: 'millisecond',
  s: 'second',
  sec: 'second',
  secs: 'second',
  seconds: 'second',
  m: 'minute',
  min: 'minute',
  mins: 'minute',
  minutes: 'minute',
  h: 'hour',
  hr: 'hour',
  hrs: 'hour',
  hours: 'hour',
  d: 'day',
  days: 'day',
  w: 'week',
  weeks: 'week',
};

/** Duration is a parsed interval: the text as given (safe to cast to `interval`) and its length. */
export interface Duration {
  readonly text: string;
  readonly ms: number;
}

/** MAX_DURATION is the longest duration read at all: past any setting's use, far inside Postgres's range. */
export const MAX_DURATION = '3650 days';
const MAX_DURATION_MS = 3650 * 86_400_000;

/**
 * parseDuration reads a Postgres-style interval and returns its length, or throws an Error
 * whose message says what is wrong with it.
 */
export function parseDuration(input: string): Duration {
  const text = input.trim();
  if (text === '') throw new Error('is empty; write an interval such as "15 minutes"');
  let ms = 0;
  // Postgres takes each field once ("1 day 1 day" is an error), and a clock ("01:30") fills
  // all the fields from hours down.
  const used = new Set<string>();
  const use = (units: string[]) => {
    if (units.some((unit) => used.has(unit))) {
      throw new Error(`"${text}" gives the same field twice; write each unit once`);
    }
    for (const unit of units) used.add(unit);
  };
  const tokens = text.toLowerCase().split(/\s+/);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const clock = /^(\d+):(\d{1,2})(?::(\d{1,2}(?:\.\d+)?))?$/.exec(token);
    if (clock) {
      const [, h, m, s] = clock;
      // Postgres refuses "1:99" (out of range) rather than reading 99 minutes; so do we.
      if (Number(m) > 59 || Number(s ?? 0) > 60) {
        const where = token === text ? '' : ` in "${text}"`;
        throw new Error(
          `"${token}"${where} has minutes or seconds out of range (at most 59); write e.g. "01:30" or "90 minutes"`,
        );
      }
      use(['hour', 'minute', 'second', 'millisecond', 'microsecond']);
      ms += Number(h) * 3_600_000 + Number(m) * 60_000 + Number(s ?? 0) * 1_000;
      continue;
    }
    // "15 minutes" or "15minutes"
    const joined = /^(\d+(?:\.\d+)?)([a-z]+)$/.exec(token);
    let amount: string;
    let unitWord: string | undefined;
    if (joined) {
      amount = joined[1] as string;
      unitWord = joined[2];
    } else if (/^\d+(?:\.\d+)?$/.test(token)) {
      amount = token;
      unitWord = tokens[++i];
    } else {
      throw new Error(
        `cannot read "${token}" in "${text}"; write an interval such as "15 minutes"`,
      );
    }
    if (unitWord === undefined) {
      throw new Error(`"${amount}" in "${text}" has no unit; write e.g. "${amount} minutes"`);
    }
    const unit = UNIT_ALIASES[unitWord] ?? unitWord;
    if (/^(mon|month|months|y|yr|yrs|year|years)$/.test(unit)) {
      throw new Error(`"${text}" uses ${unitWord}, which has no fixed length; use days or weeks`);
    }
    const factor = UNIT_MS[unit];
    if (factor === undefined) throw new Error(`"${unitWord}" in "${text}" is not a unit of time`);
    use([unit]);
    ms += Number(amount) * factor;
  }
  if (!Number.isFinite(ms) || ms > MAX_DURATION_MS) {
    throw new Error(`"${text}" is too long; at most ${MAX_DURATION}`);
  }
  return Object.freeze({ text, ms });
}

/** isDuration tells a Duration (as parseDuration returns it) from any other value. */
export function isDuration(value: unknown): value is Duration {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Duration).text === 'string' &&
    typeof (value as Duration).ms === 'number'
  );
}

/** TIMER_MAX bounds durations that become Node timers, which wait at most 2^31 - 1 ms (24.8 days). */
export const TIMER_MAX = '24 days';
/** DEADLINE_MAX bounds durations added to a booking's or a request's times. */
export const DEADLINE_MAX = '365 days';

function readDuration(value: string, max: string): Duration {
  const duration = parseDuration(value);
  if (duration.ms > parseDuration(max).ms)
    throw new Error(`"${value}" is too long; at most ${max}`);
  return duration;
}

/** durationSchema is the zod schema of a duration setting of at most `max`. */
export const durationSchema = (max = MAX_DURATION) =>
  z.string().transform((value, ctx): Duration => {
    try {
      return readDuration(value, max);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

/** durationListSchema is the zod schema of a comma-separated list of durations of at most `max` each. */
export const durationListSchema = (max = MAX_DURATION) =>
  z.string().transform((value, ctx): Duration[] => {
    const parts = value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
    const durations: Duration[] = [];
    for (const part of parts) {
      try {
        durations.push(readDuration(part, max));
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }
    return durations;
  });
