import { z } from 'zod';
import type { BookingState } from '../db/db.ts';
import { fireTimer, sweepBatch } from '../db/queries.ts';
import { cronPayload, defineTask } from '../task.ts';

/**
 * LANES is how many batches of one burst a timer moves at once, each in its own transaction
 * (SKIP LOCKED keeps their rows apart): one lane keeps Postgres busy on one core while the next
 * batch waits for its round trip and commit.
 */
const LANES = 2;

/**
 * timerTask is an instant timer (job key timer:<task>:<instant>, set by app_private.sync_timers):
 * when it fires it moves every booking of its transition whose deadline is that instant, in
 * batches of SWEEP_BATCH_SIZE, one transaction each (a burst in two lanes at once), then waits
 * for the few that other transactions held. A timer that finds nothing due (its bookings
 * rescheduled, cancelled or swept) does nothing: that is normal, not an error.
 */
export function timerTask(identifier: string, to: BookingState) {
  return defineTask({
    payload: z.object({ at: z.iso.datetime() }),
    async run({ at }, helpers, { config }) {
      const size = config.sweepBatchSize;
      const batch = (wait: boolean) =>
        helpers.withPgClient((client) => fireTimer(client, to, at, size, identifier, wait));
      let moved = 0;
      let held = false;
      // Until a batch comes back short: the rest are held by others, or there is no rest.
      const lane = async () => {
        for (;;) {
          const step = await batch(false);
          moved += step.moved;
          if (step.moved < size) {
            held ||= step.waiting;
            return;
          }
        }
      };
      const first = await batch(false);
      moved += first.moved;
      if (first.moved === size) await Promise.all(Array.from({ length: LANES }, lane));
      else held = first.waiting;
      if (held) moved += (await batch(true)).moved;
      helpers.logger.debug(`timer ${identifier} at ${at}: moved ${moved}`, { at, moved });
    },
  });
}

/**
 * sweepTask is a crontab sweep, the safety net for bookings without a live timer: it moves every
 * overdue booking to `to` in batches of SWEEP_BATCH_SIZE, one transaction each, skipping rows
 * that others hold, until a batch comes back short.
 */
export function sweepTask(identifier: string, to: BookingState) {
  return defineTask({
    payload: cronPayload,
    async run(_payload, helpers, { config, log }) {
      let moved = 0;
      for (;;) {
        const batch = await helpers.withPgClient((client) =>
          sweepBatch(client, to, config.sweepBatchSize, identifier),
        );
        moved += batch;
        if (batch < config.sweepBatchSize) break;
      }
      if (moved > 0)
        log.info(
          { task: identifier, moved, to },
          `sweep moved ${moved} overdue booking(s) to ${to}`,
        );
      // 0 from a crontab tick: nothing to record in the job history (src/task.ts).
      return moved;
    },
  });
}
