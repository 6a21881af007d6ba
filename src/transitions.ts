import { z } from 'zod';
import type { BookingState } from './db.ts';
import { fireBookingTimer, sweepBatch } from './queries.ts';
import { cronPayload, defineTask } from './task.ts';

/**
 * timerTask is an exact-time job: it moves one booking to `to` at its deadline (set by
 * app_private.sync_booking_timers). A late, repeated or superseded job finds the booking moved on
 * and does nothing: that is normal, not an error.
 */
export function timerTask(identifier: string, to: BookingState) {
  return defineTask({
    payload: z.object({ bookingId: z.uuid() }),
    async run({ bookingId }, helpers) {
      const outcome = await helpers.withPgClient((client) =>
        fireBookingTimer(client, bookingId, to, `job:${identifier}`),
      );
      helpers.logger.debug(`booking ${bookingId}: ${outcome}`, { bookingId, outcome });
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
          sweepBatch(client, to, config.sweepBatchSize, `sweep:${identifier}`),
        );
        moved += batch;
        if (batch < config.sweepBatchSize) break;
      }
      if (moved > 0)
        log.info(
          { task: identifier, moved, to },
          `sweep moved ${moved} overdue booking(s) to ${to}`,
        );
    },
  });
}
