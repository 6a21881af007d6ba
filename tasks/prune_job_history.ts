import { pruneJobHistory } from '../src/db/queries.ts';
import { cronPayload, defineTask } from '../src/task.ts';

const BATCH = 5_000;

/** prune_job_history deletes job history older than JOB_HISTORY_RETENTION, in batches. */
export default defineTask({
  payload: cronPayload,
  async run(_payload, helpers, { log }) {
    let deleted = 0;
    for (;;) {
      const batch = await helpers.withPgClient((client) => pruneJobHistory(client, BATCH));
      deleted += batch;
      if (batch < BATCH) break;
    }
    if (deleted > 0) log.info({ deleted }, `pruned ${deleted} job history row(s)`);
    return deleted;
  },
});
