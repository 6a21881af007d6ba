import { z } from 'zod';
import { giveUpJob } from '../src/db/queries.ts';
import { runOccurrence } from '../src/schedules/occurrence.ts';
import { defineTask, PermanentError } from '../src/task.ts';

/**
 * run_schedule runs one occurrence of a runtime schedule (job key schedule:<id>, added by the
 * schedule's row trigger): see src/schedules/occurrence.ts. A repeated or superseded job finds
 * its occurrence no longer due and does nothing.
 */
export default defineTask({
  payload: z.object({ scheduleId: z.uuid(), occurrence: z.iso.datetime({ offset: true }) }),
  async run({ scheduleId, occurrence }, helpers) {
    await helpers.withPgClient(async (client) => {
      try {
        const result = await runOccurrence(client, {
          scheduleId,
          occurrence,
          jobId: helpers.job.id,
        });
        if (result.outcome === 'skipped')
          helpers.logger.warn(
            `schedule ${scheduleId}: ${result.coalesced} occurrence(s) from ${occurrence} skipped, later than the misfire grace`,
          );
      } catch (error) {
        if (error instanceof PermanentError) await giveUpJob(client, helpers.job.id);
        throw error;
      }
    });
  },
});
