import { requeueNotifications } from '../src/db/queries.ts';
import { cronPayload, defineTask } from '../src/task.ts';

/**
 * requeue_notifications is the outbox's safety net: a due, pending notification whose job is
 * gone (cancelled by hand, lost with a restored backup) gets a new send_notification job.
 */
export default defineTask({
  payload: cronPayload,
  async run(_payload, helpers, { config, log }) {
    const requeued = await helpers.withPgClient((client) =>
      requeueNotifications(client, config.sweepBatchSize),
    );
    if (requeued > 0)
      log.warn({ requeued }, `${requeued} due notification(s) had no job; requeued them`);
    return requeued;
  },
});
