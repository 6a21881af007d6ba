/**
 * Node's timers take a delay in milliseconds up to 2^31 - 1 (about 24.8 days). A longer delay,
 * Infinity or NaN is not refused: it becomes 1 ms, so a timer meant for "much later" fires at
 * once, again and again. Every delay that is computed (not a constant) goes through timerDelay.
 */

/** MAX_TIMER_MS is the longest delay setTimeout and setInterval honour. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * timerDelay makes a delay safe for setTimeout: a negative one is 0, and one that is too long,
 * infinite or not a number at all is MAX_TIMER_MS (the caller looks again when it fires).
 */
export function timerDelay(ms: number): number {
  if (Number.isNaN(ms) || ms > MAX_TIMER_MS) return MAX_TIMER_MS;
  return Math.max(0, ms);
}

/**
 * epochMs is a time from Postgres in milliseconds since 1970, always a number: pg reads a
 * timestamptz beyond JavaScript's range (after the year 275760) as an Invalid Date and
 * 'infinity' as the number Infinity; both become +Infinity ('-infinity' becomes -Infinity).
 * Postgres has no time before JavaScript's earliest, so an unreadable one is always "later".
 */
export function epochMs(value: Date | number): number {
  const ms = value instanceof Date ? value.getTime() : Number(value);
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}
