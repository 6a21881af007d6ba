import { z } from 'zod';
import { fireTimer, sweepBatch } from '../db/queries.ts';
import { cronPayload, defineTask } from '../task.ts';

/**
 * LANES is how many batches of one burst a timer moves at once, each in its own transaction
 * (SKIP LOCKED keeps their rows apart): one lane keeps Postgres busy on one core while the next
 * batch waits for its round trip and commit.
 */
const LANES = 2;

/**
 * bookingTimer is every instant timer (job key timer:<task>:<instant>, set by
 * app_private.sync_timers); each timer_task of app_private.booking_deadlines is a file in tasks/
 * that exports it, and the job's task identifier says which deadline it serves. When it fires it
 * moves every booking of that deadline whose deadline is that instant, in batches of
 * SWEEP_BATCH_SIZE, one transaction each (a burst in two lanes at once), then waits for the few
 * that other transactions held. A timer that finds nothing due (its bookings rescheduled,
 * cancelled or swept) does nothing: that is normal, not an error.
 */
export const bookingTimer = defineTask({
  payload: z.object({ at: z.iso.datetime() }),
  async run({ at }, helpers, { config }) {
    const task = helpers.job.task_identifier;
    const size = config.sweepBatchSize;
    const batch = (wait: boolean) =>
      helpers.withPgClient((client) => fireTimer(client, task, at, size, wait));
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
    helpers.logger.debug(`timer ${task} at ${at}: moved ${moved}`, { at, moved });
  },
});

/**
 * bookingSweep is every crontab sweep of a deadline, the safety net for bookings without a live
 * timer; each sweep_task of app_private.booking_deadlines is a file in tasks/ that exports it. It
 * moves every overdue booking of that deadline in batches of SWEEP_BATCH_SIZE, one transaction
 * each, skipping rows that others hold, until a batch comes back short.
 */
export const bookingSweep = defineTask({
  payload: cronPayload,
  async run(_payload, helpers, { config, log }) {
    const task = helpers.job.task_identifier;
    let moved = 0;
    for (;;) {
      const batch = await helpers.withPgClient((client) =>
        sweepBatch(client, task, config.sweepBatchSize),
      );
      moved += batch;
      if (batch < config.sweepBatchSize) break;
    }
    if (moved > 0) log.info({ task, moved }, `sweep ${task} moved ${moved} overdue booking(s)`);
    // 0 from a crontab tick: nothing to record in the job history (src/task.ts).
    return moved;
  },
});
