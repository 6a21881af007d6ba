// The raw SQL the worker runs, one query per function. Each takes the client (or pool) to run
// on first; the rules themselves live in sql/, these only call them.
import type pg from 'pg';
import type { BookingState, NotificationChannel, WorkerOutcome } from './db.ts';

type Queryable = pg.Pool | pg.ClientBase;

/** scalar runs a query that returns one row of one column, `value`, and returns that value. */
async function scalar<T>(db: Queryable, text: string, values: unknown[]): Promise<T> {
  const { rows } = await db.query<{ value: T }>(text, values);
  return (rows[0] as { value: T }).value;
}

/**
 * fireBookingTimer runs one exact-time transition if it is still due, recorded as the job of
 * `task`; returns what happened.
 */
export async function fireBookingTimer(
  db: Queryable,
  bookingId: string,
  to: BookingState,
  task: string,
): Promise<'moved' | 'moved on' | 'not due' | 'gone'> {
  return scalar(db, 'select app_private.fire_booking_timer($1, $2, $3) as value', [
    bookingId,
    to,
    task,
  ]);
}

/**
 * fireTimer runs one step of the instant timer `task` (a timer_task of app_private.booking_deadlines)
 * in its own transaction: without `wait`, one batch of up to batchSize bookings due at `instant`
 * (skipping rows others hold); with `wait`, every remaining one, waiting for the rows others
 * hold. Returns how many moved, and whether bookings at that instant still wait (held by
 * others, or not due yet). The moves are recorded as the job of `task` (the SQL spells the actor).
 */
export async function fireTimer(
  db: Queryable,
  task: string,
  instant: string,
  batchSize: number,
  wait: boolean,
): Promise<{ moved: number; waiting: boolean }> {
  const { rows } = await db.query<{ moved: number; waiting: boolean }>(
    'select moved, waiting from app_private.fire_timer($1, $2, $3, $4)',
    [task, instant, batchSize, wait],
  );
  return rows[0] as { moved: number; waiting: boolean };
}

/**
 * sweepBatch moves one bounded batch of the booking sweep `task` (a sweep_task of
 * app_private.booking_deadlines) in its own transaction, recorded as that sweep (the SQL spells
 * the actor); returns how many.
 */
export async function sweepBatch(db: Queryable, task: string, batchSize: number): Promise<number> {
  return scalar(db, 'select app_private.sweep_bookings($1, $2) as value', [task, batchSize]);
}

/** giveUpJob makes the running job's coming failure permanent. */
export async function giveUpJob(db: Queryable, jobId: string): Promise<void> {
  await db.query('select app_private.give_up_job($1)', [jobId]);
}

/** nextJobRunAt is the run_at of the earliest job that is not due yet, if any (times by `now`). */
export async function nextJobRunAt(db: Queryable, now: Date): Promise<Date | undefined> {
  const { rows } = await db.query<{ next: Date | null }>(
    'select min(run_at) as next from graphile_worker._private_jobs where is_available and run_at > $1',
    [now],
  );
  return rows[0]?.next ?? undefined;
}

/** PendingNotification is an outbox row ready to send, with what its message needs. */
export interface PendingNotification {
  id: string;
  channel: NotificationChannel;
  message: string | null;
  run_at: Date;
  attempts: number;
  booking_id: string | null;
  lead_seconds: number | null;
  recipient_id: string;
  recipient_name: string;
  recipient_email: string;
  recipient_phone: string | null;
  recipient_time_zone: string;
  subject: string | null;
  starts_at: Date | null;
  other_party_name: string | null;
}

/**
 * lockPendingNotification locks a pending notification for sending, in the caller's
 * transaction. Undefined when it is gone, no longer pending, or another sender holds it.
 */
export async function lockPendingNotification(
  client: pg.ClientBase,
  id: string,
): Promise<PendingNotification | undefined> {
  const { rows } = await client.query<PendingNotification>(
    `select n.id, n.channel, n.message, n.run_at, n.attempts, n.booking_id,
            extract(epoch from n.lead)::float8 as lead_seconds,
            r.id as recipient_id, r.name as recipient_name, r.email as recipient_email,
            r.phone as recipient_phone, r.time_zone as recipient_time_zone,
            b.subject, b.starts_at, other.name as other_party_name
       from app_public.notifications n
       join app_public.users r on r.id = n.recipient_id
       left join app_public.bookings b on b.id = n.booking_id
       left join app_public.users other
         on other.id = case when b.student_id = n.recipient_id then b.tutor_id else b.student_id end
      where n.id = $1 and n.state = 'pending'
      for update of n skip locked`,
    [id],
  );
  return rows[0];
}

/** markNotificationSent records a delivery (app_private.record_notification_attempt). */
export async function markNotificationSent(client: pg.ClientBase, id: string): Promise<void> {
  await client.query('select app_private.record_notification_attempt($1, null)', [id]);
}

/**
 * markNotificationFailed records a failed attempt (app_private.record_notification_attempt).
 * With `retryAt` the notification stays pending and its job is moved there (the running job is
 * superseded); without, it has failed for good.
 */
export async function markNotificationFailed(
  client: pg.ClientBase,
  id: string,
  error: string,
  retryAt: Date | undefined,
): Promise<void> {
  await client.query('select app_private.record_notification_attempt($1, $2, $3)', [
    id,
    error,
    retryAt ?? null,
  ]);
}

/**
 * workerBeat registers a worker pool (or records that it is alive) and unlocks the jobs of
 * workers silent for longer than deadAfter (an interval), in one call; returns those it unlocked.
 */
export async function workerBeat(
  db: Queryable,
  poolId: string,
  hostname: string,
  pid: number,
  deadAfter: string,
): Promise<Array<{ worker_id: string; jobs: string }>> {
  const { rows } = await db.query<{ worker_id: string; jobs: string }>(
    'select worker_id, jobs from app_private.worker_beat($1, $2, $3, $4::interval)',
    [poolId, hostname, pid, deadAfter],
  );
  return rows;
}

/** workerStopped forgets a worker pool that stopped cleanly. */
export async function workerStopped(db: Queryable, poolId: string): Promise<void> {
  await db.query('select app_private.worker_stopped($1)', [poolId]);
}

/** JobHistoryRow is one job outcome for app_private.job_history. */
export interface JobHistoryRow {
  job_id: string;
  task: string;
  job_key: string | null;
  attempt: number;
  run_at: Date | null;
  started_at: Date | null;
  finished_at: Date;
  duration_ms: number | null;
  outcome: WorkerOutcome;
  error: string | null;
  worker_id: string | null;
  payload: unknown;
}

/** insertJobHistory writes a batch of job outcomes in one statement. */
export async function insertJobHistory(
  db: Queryable,
  rows: readonly JobHistoryRow[],
): Promise<void> {
  await db.query(
    `insert into app_private.job_history
       (job_id, task, job_key, attempt, run_at, started_at, finished_at, duration_ms, outcome, error, worker_id, payload)
     select job_id, task, job_key, attempt, run_at, started_at, finished_at, duration_ms, outcome, error, worker_id, payload
       from json_populate_recordset(null::app_private.job_history, $1)`,
    [JSON.stringify(rows)],
  );
}

/** pruneJobHistory deletes one batch of history older than the retention; returns how many. */
export async function pruneJobHistory(db: Queryable, batchSize: number): Promise<number> {
  return scalar(db, 'select app_private.prune_job_history($1) as value', [batchSize]);
}

/** requeueNotifications gives due pending notifications without a job a new one; returns how many. */
export async function requeueNotifications(db: Queryable, batchSize: number): Promise<number> {
  return scalar(db, 'select app_private.requeue_notifications($1) as value', [batchSize]);
}

/** queueDepth counts the jobs by task and state (for the metrics). */
export async function queueDepth(
  db: Queryable,
): Promise<Array<{ task: string; state: string; count: number }>> {
  const { rows } = await db.query<{ task: string; state: string; count: number }>(
    'select task, state::text as state, count(*)::int as count from app_private.job_states group by 1, 2',
  );
  return rows;
}

/** intervalMs is how long Postgres reads an interval to be, in milliseconds (throws if it cannot). */
export async function intervalMs(db: Queryable, text: string): Promise<number> {
  return scalar(db, 'select extract(epoch from $1::interval)::float8 * 1000 as value', [text]);
}

/** writeCrontab makes app_private.crontab what this process's crontab file says. */
export async function writeCrontab(
  db: Queryable,
  entries: ReadonlyArray<{
    identifier: string;
    task: string;
    schedule: string;
    periodSeconds: number;
    jobKey: string | null;
  }>,
): Promise<void> {
  await db.query('select app_private.write_crontab($1::json)', [
    JSON.stringify(
      entries.map((entry) => ({
        identifier: entry.identifier,
        task: entry.task,
        schedule: entry.schedule,
        period: `${entry.periodSeconds} seconds`,
        job_key: entry.jobKey,
      })),
    ),
  ]);
}

/** SweepLateness is how overdue one crontab entry is (0 when on time). */
export interface SweepLateness {
  sweep: string;
  task: string;
  overdue_seconds: number;
}

/** sweepLateness reads app_private.sweep_status: each crontab entry and how overdue it is. */
export async function sweepLateness(db: Queryable): Promise<SweepLateness[]> {
  const { rows } = await db.query<SweepLateness>(
    'select sweep, task, extract(epoch from overdue_for)::float8 as overdue_seconds from app_private.sweep_status order by sweep',
  );
  return rows;
}

/**
 * registerTaskIds makes sure each of these task identifiers has a row in
 * graphile_worker._private_tasks, as graphile-worker does when a runner starts (and with the
 * same statement), and returns their ids: the ids the runner uses.
 */
export async function registerTaskIds(
  db: Queryable,
  identifiers: readonly string[],
): Promise<Map<string, string>> {
  await db.query(
    `insert into graphile_worker._private_tasks as tasks (identifier)
     select i from unnest($1::text[]) as u(i)
      where not exists (select 1 from graphile_worker._private_tasks as existing where existing.identifier = u.i)
     on conflict do nothing`,
    [identifiers],
  );
  return taskIds(db, identifiers);
}

/** taskIds maps each of these task identifiers to its id in graphile_worker._private_tasks. */
export async function taskIds(
  db: Queryable,
  identifiers: readonly string[],
): Promise<Map<string, string>> {
  const { rows } = await db.query<{ identifier: string; id: string }>(
    'select identifier, id::text as id from graphile_worker._private_tasks where identifier = any($1::text[])',
    [identifiers],
  );
  return new Map(rows.map((row) => [row.identifier, row.id]));
}
