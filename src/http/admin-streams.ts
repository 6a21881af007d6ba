import type pg from 'pg';
import type { Step } from 'postgraphile/grafast';
import { extendSchema, gql } from 'postgraphile/utils';
import {
  type JobOutcomeRow,
  jobOutcomes,
  jobOutcomesTopic,
  type QueueCounts,
  queueCounts,
  queueCountsTopics,
} from '../db/queries.ts';
import { announcements, iterator, type Stream, streamPlan, withClient } from './streams.ts';

/**
 * QUEUE_COUNTS_EVERY_MS is the least time between two reads of the queue's counts for one
 * subscriber: a burst of 10,000 outcomes costs one read (and at most one message) a second.
 */
export const QUEUE_COUNTS_EVERY_MS = 1_000;
/**
 * QUEUE_COUNTS_RECHECK_MS is how often the counts are read with nothing announced: a job that
 * falls due, or that a worker takes, changes them without a notification.
 */
export const QUEUE_COUNTS_RECHECK_MS = 10_000;

/**
 * adminStreamsPlugin is `jobOutcomes(task, outcome)` and `queueCounts` (README, Subscriptions),
 * for admins: every job attempt as it finishes, on every replica, and the queue's counts
 * whenever they change. Job history announces its new rows' ids (sql/0015_admin_streams.sql);
 * each subscriber reads them as the admin (anyone else is refused, DENYD; a user no longer an
 * admin is refused at the next event).
 */
export function adminStreamsPlugin(pool: pg.Pool, visitorRole: string): GraphileConfig.Plugin {
  const itself = ($event: Step) => $event;
  return extendSchema({
    typeDefs: gql`
      """
      One attempt of a job that has just finished, as jobOutcomes streams it.
      """
      type FinishedJob {
        "The history row's id (JobRun.id)."
        id: BigInt!
        "The job (it may be gone since: its attempts are in jobRuns(jobId))."
        jobId: BigInt!
        "The task that ran."
        task: String!
        "The job's key, if it had one."
        jobKey: String
        "How it ended."
        outcome: JobOutcome!
        "Which attempt this was, from 1."
        attempt: Int!
        "The error's first line, at most 200 characters, when it failed (jobRuns has it whole)."
        error: String
        "When the attempt ended."
        finishedAt: Datetime!
        "How long it ran, in milliseconds."
        durationMs: Float
      }

      "How many jobs of a task are in a state, as queueCounts counts them."
      type QueueCount {
        "The task."
        task: String!
        "The state."
        state: JobState!
        "How many of its jobs are in that state."
        count: Int!
      }

      "The queue's counts: what the admin overview shows."
      type QueueCounts {
        "Jobs by task and state (only those with any), by task then state."
        counts: [QueueCount!]!
        "Jobs that succeeded over the last hour."
        succeededLastHour: Int!
        "Attempts that failed over the last hour (errors, permanent failures, crashes)."
        failedLastHour: Int!
      }

      extend type Subscription {
        """
        Admins: each job attempt as it finishes (succeeded, failed, crashed or cancelled), from every worker, of this task and outcome when given. Over WebSocket (graphql-ws), as bookingEvents; anyone else is refused (DENYD).
        """
        jobOutcomes(
          "Only attempts of jobs of this task."
          task: String
          "Only attempts that ended so."
          outcome: JobOutcome
        ): FinishedJob!

        """
        Admins: the queue's counts now, then each time they change, at most once a second. Over WebSocket (graphql-ws), as bookingEvents; anyone else is refused (DENYD).
        """
        queueCounts: QueueCounts!
      }
    `,
    objects: {
      Subscription: {
        plans: {
          jobOutcomes: {
            subscribePlan: streamPlan(visitorRole, ['task', 'outcome'], (stream, [task, outcome]) =>
              finishedJobs(pool, stream, {
                task: typeof task === 'string' ? task : undefined,
                outcome: typeof outcome === 'string' ? outcome : undefined,
              }),
            ),
            plan: itself,
          },
          queueCounts: {
            subscribePlan: streamPlan(visitorRole, [], (stream) => changedCounts(pool, stream)),
            plan: itself,
          },
        },
      },
    },
  });
}

/** finishedJobs is each announced history row of the filter, read as the admin. */
async function finishedJobs(
  pool: pg.Pool,
  stream: Stream,
  only: { task?: string; outcome?: string },
): Promise<AsyncIterableIterator<JobOutcomeRow>> {
  const { caller } = stream;
  const topic = await withClient(pool, (client) => jobOutcomesTopic(client, caller));
  const heard = await announcements(stream, topic);
  let ready: JobOutcomeRow[] = [];
  return iterator(async () => {
    for (;;) {
      const row = ready.shift();
      if (row) return row;
      const next = await heard.next();
      if (next === undefined) return undefined;
      const { ids } = JSON.parse(next) as { ids: number[] };
      ready = await withClient(pool, (client) =>
        jobOutcomes(client, caller, ids.map(String), only),
      );
    }
  }, heard.stop);
}

/**
 * changedCounts is the queue's counts now, then again whenever an announcement (or, failing
 * one, QUEUE_COUNTS_RECHECK_MS) may have changed them and they did, read at most once every
 * QUEUE_COUNTS_EVERY_MS; it ends once the token has expired.
 */
async function changedCounts(
  pool: pg.Pool,
  stream: Stream,
): Promise<AsyncIterableIterator<QueueCounts>> {
  const { caller, expiresAt } = stream;
  const topics = await withClient(pool, (client) => queueCountsTopics(client, caller));
  const sources = await Promise.all(topics.map((topic) => announcements(stream, topic)));
  let stale = true;
  let over = false;
  let wake: (() => void) | undefined;
  const changed = () => {
    stale = true;
    wake?.();
  };
  // A source that fails ends the stream with its error (thrown from the next read), rather
  // than going quiet or, unhandled, stopping the process.
  let failure: unknown;
  for (const source of sources) {
    void (async () => {
      while ((await source.next()) !== undefined) changed();
    })().catch((error: unknown) => {
      failure = error;
      changed();
    });
  }
  const recheck = setInterval(changed, QUEUE_COUNTS_RECHECK_MS);
  let sent: string | undefined;
  let readAt = 0;
  const stop = async () => {
    over = true;
    clearInterval(recheck);
    wake?.();
    await Promise.all(sources.map((source) => source.stop()));
  };
  return iterator(async () => {
    for (;;) {
      while (!stale && !over) await new Promise<void>((resolve) => (wake = resolve));
      const wait = readAt + QUEUE_COUNTS_EVERY_MS - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (failure) throw failure;
      if (over || !(Date.now() < expiresAt)) return undefined;
      stale = false;
      readAt = Date.now();
      const counts = await withClient(pool, (client) => queueCounts(client, caller));
      const text = JSON.stringify(counts);
      if (text !== sent) {
        sent = text;
        return counts;
      }
    }
  }, stop);
}
