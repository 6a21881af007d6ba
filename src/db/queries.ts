// The raw SQL the worker runs, one query per function. Each takes the client (or pool) to run
// on first; the rules themselves live in sql/, these only call them.
import type pg from 'pg';
import type { BookingState, NotificationChannel, UserRole, WorkerOutcome } from './db.ts';

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
 * takeDeliverySlot asks whether a notification may be delivered now on its channel
 * (app_private.take_delivery_slot), on its own, outside any transaction that sends: undefined to
 * deliver now, or the time its job was moved to. `spacings` maps a limited channel to the
 * interval between two deliveries; `reserved` is the slot a moved job took, if it was moved.
 */
export async function takeDeliverySlot(
  db: Queryable,
  id: string,
  spacings: Readonly<Record<string, string>>,
  reserved: string | undefined,
): Promise<Date | undefined> {
  const slot = await scalar<Date | null>(
    db,
    'select app_private.take_delivery_slot($1, $2, $3) as value',
    [id, JSON.stringify(spacings), reserved ?? null],
  );
  return slot ?? undefined;
}

/** blockChannel holds a notification's channel back until `until` and moves its job there (app_private.block_channel). */
export async function blockChannel(client: pg.ClientBase, id: string, until: Date): Promise<void> {
  await client.query('select app_private.block_channel($1, $2)', [id, until]);
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

/**
 * JobRunReport is what a worker knows of one run of a job, for app_private.report_job_runs:
 * the run as the history holds it, known by job_id, worker_id and taken_at (when the worker
 * took the job: graphile-worker's locked_at), and whether it was a crontab tick that found
 * nothing (idle).
 */
export interface JobRunReport {
  job_id: string;
  task: string;
  job_key: string | null;
  attempt: number;
  run_at: Date | null;
  taken_at: Date | null;
  started_at: Date | null;
  finished_at: Date;
  duration_ms: number | null;
  outcome: WorkerOutcome;
  error: string | null;
  worker_id: string | null;
  payload: unknown;
  idle: boolean;
}

/**
 * reportJobRuns applies a batch of a worker's run reports to the history in one statement
 * (sql/0016_history_at_completion.sql); returns the reports whose completion has not committed
 * yet, to be sent again.
 */
export async function reportJobRuns(
  db: Queryable,
  reports: readonly JobRunReport[],
): Promise<JobRunReport[]> {
  const { rows } = await db.query<{ report: number }>(
    'select report from app_private.report_job_runs($1)',
    [JSON.stringify(reports)],
  );
  return rows.flatMap(({ report }) => reports[report - 1] ?? []);
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

/** databaseName is the name of the database a connection reaches, whatever pooler is between. */
export async function databaseName(db: Queryable): Promise<string> {
  return scalar(db, 'select current_database() as value', []);
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

/**
 * requireAdmin is the admin a request's token claims name, as app_hidden.require_admin() says
 * (LOGIN without a user, TOKEN for claims that name none, DENYD for anyone but an admin), asked
 * on a connection of the service's own in a transaction of its own.
 */
export async function requireAdmin(
  client: pg.ClientBase,
  sub: string | undefined,
  role: string | undefined,
): Promise<{ id: string; role: UserRole }> {
  return withClaims(client, { sub: sub ?? '', role: role ?? '' }, async () => {
    const { rows } = await client.query<{ id: string; role: UserRole }>(
      'select id, role::text as role from app_hidden.require_admin()',
    );
    return rows[0] as { id: string; role: UserRole };
  });
}

/**
 * withClaims runs `fn` in a transaction of its own with a token's claims set (and, given
 * `visitorRole`, as that role, so that row-level security applies and
 * app_hidden.current_user_id() sees that user), then rolls back.
 */
async function withClaims<T>(
  client: pg.ClientBase,
  claims: { sub: string; role: string; visitorRole?: string },
  fn: () => Promise<T>,
): Promise<T> {
  await client.query('begin');
  try {
    const set =
      "select set_config('jwt.claims.sub', $1, true), set_config('jwt.claims.role', $2, true)";
    if (claims.visitorRole === undefined) await client.query(set, [claims.sub, claims.role]);
    else
      await client.query(`${set}, set_config('role', $3, true)`, [
        claims.sub,
        claims.role,
        claims.visitorRole,
      ]);
    return await fn();
  } finally {
    await client.query('rollback');
  }
}

/** ScheduleTrigger is app_public.schedule_trigger. */
export type ScheduleTrigger = 'once' | 'interval' | 'cron';

/** ScheduleValues are the columns of a schedule the service writes. */
export interface ScheduleValues {
  name: string;
  kind: string;
  payload: unknown;
  trigger: ScheduleTrigger;
  run_at: Date | null;
  every: string | null;
  cron: string | null;
  time_zone: string | null;
  starts_at: Date | null;
  ends_at: Date | null;
  paused: boolean;
  misfire_grace: string | null;
  next_run_at: Date | null;
}

/** ScheduleRow is a row of app_public.schedules, its intervals as text and `every` also in ms. */
export interface ScheduleRow extends ScheduleValues {
  id: string;
  user_id: string | null;
  created_by: string | null;
  every_ms: number | null;
  created_at: Date;
  updated_at: Date;
}

const SCHEDULE_COLUMNS = `s.id, s.name, s.kind, s.payload, s.user_id, s.created_by, s.trigger::text as trigger,
  s.run_at, s.every::text as every, (extract(epoch from s.every) * 1000)::float8 as every_ms, s.cron,
  s.time_zone, s.starts_at, s.ends_at, s.paused, s.misfire_grace::text as misfire_grace, s.next_run_at,
  s.created_at, s.updated_at`;

/** scheduleSettings reads the schedule settings (SCHEDULE_MIN_INTERVAL) the service wrote. */
export async function scheduleSettings(db: Queryable): Promise<{ minIntervalMs: number }> {
  const minIntervalMs = await scalar<number>(
    db,
    `select (extract(epoch from app_private.setting_interval('schedule_min_interval')) * 1000)::float8
       as value`,
    [],
  );
  return { minIntervalMs };
}

/** isTimeZone says whether Postgres knows an IANA zone name (app_private.is_time_zone). */
export function isTimeZone(db: Queryable, name: string): Promise<boolean> {
  return scalar(db, 'select app_private.is_time_zone($1) as value', [name]);
}

/** insertSchedule creates a schedule (its row trigger adds its job); returns the row. */
export function insertSchedule(
  client: pg.ClientBase,
  values: ScheduleValues,
  createdBy: string | null,
): Promise<ScheduleRow> {
  return writeSchedule(
    client,
    `insert into app_public.schedules (name, kind, payload, trigger, run_at, every, cron, time_zone,
       starts_at, ends_at, paused, misfire_grace, next_run_at, created_by)
     values ($1, $2, $3, $4, $5, $6::interval, $7, $8, $9, $10, $11, $12::interval, $13, $14)`,
    [...scheduleParams(values), createdBy],
  );
}

/** updateScheduleRow rewrites a schedule's columns (its row trigger moves its job); returns the row. */
export function updateScheduleRow(
  client: pg.ClientBase,
  id: string,
  values: ScheduleValues,
): Promise<ScheduleRow> {
  return writeSchedule(
    client,
    `update app_public.schedules set name = $1, kind = $2, payload = $3, trigger = $4, run_at = $5,
       every = $6::interval, cron = $7, time_zone = $8, starts_at = $9, ends_at = $10, paused = $11,
       misfire_grace = $12::interval, next_run_at = $13
     where id = $14`,
    [...scheduleParams(values), id],
  );
}

/** writeSchedule runs an insert or update of one schedule and returns the row it wrote. */
async function writeSchedule(
  client: pg.ClientBase,
  statement: string,
  params: unknown[],
): Promise<ScheduleRow> {
  const { rows } = await client.query<ScheduleRow>(
    `with s as (${statement} returning *) select ${SCHEDULE_COLUMNS} from s`,
    params,
  );
  return rows[0] as ScheduleRow;
}

function scheduleParams(v: ScheduleValues): unknown[] {
  return [
    v.name,
    v.kind,
    JSON.stringify(v.payload),
    v.trigger,
    v.run_at,
    v.every,
    v.cron,
    v.time_zone,
    v.starts_at,
    v.ends_at,
    v.paused,
    v.misfire_grace,
    v.next_run_at,
  ];
}

/** lockSchedule reads a schedule and locks it for the caller's transaction; undefined when gone. */
export async function lockSchedule(
  client: pg.ClientBase,
  id: string,
): Promise<ScheduleRow | undefined> {
  const { rows } = await client.query<ScheduleRow>(
    `select ${SCHEDULE_COLUMNS} from app_public.schedules s where s.id = $1 for update`,
    [id],
  );
  return rows[0];
}

/** deleteScheduleRow deletes a schedule (its row trigger removes its job). */
export async function deleteScheduleRow(client: pg.ClientBase, id: string): Promise<void> {
  await client.query('delete from app_public.schedules where id = $1', [id]);
}

/**
 * changeSchedule calls one of the DBAs' functions (app_private.pause_schedule, resume_schedule,
 * run_schedule_now) and returns the schedule as it is afterwards.
 */
export async function changeSchedule(
  client: pg.ClientBase,
  change: 'pause' | 'resume' | 'run_now',
  id: string,
): Promise<ScheduleRow> {
  const fn = { pause: 'pause_schedule', resume: 'resume_schedule', run_now: 'run_schedule_now' }[
    change
  ];
  const { rows } = await client.query<ScheduleRow>(
    `select ${SCHEDULE_COLUMNS} from app_private.${fn}($1) s`,
    [id],
  );
  return rows[0] as ScheduleRow;
}

/**
 * lockScheduleOccurrence locks a schedule for run_schedule, in the caller's transaction: the row,
 * its misfire grace in ms and the transaction's now; undefined when the job is stale (the
 * schedule gone, paused, finished, or moved on from `occurrence`).
 */
export async function lockScheduleOccurrence(
  client: pg.ClientBase,
  id: string,
  occurrence: string,
): Promise<{ schedule: ScheduleRow; graceMs: number; now: Date } | undefined> {
  const { rows } = await client.query<ScheduleRow & { grace_ms: number; now: Date }>(
    `select ${SCHEDULE_COLUMNS}, (extract(epoch from l.grace) * 1000)::float8 as grace_ms, now() as now
       from app_private.lock_schedule_occurrence($1, $2) l, lateral (select (l.schedule).*) s
      where s.id is not null`,
    [id, occurrence],
  );
  const row = rows[0];
  if (!row) return undefined;
  const { grace_ms, now, ...schedule } = row;
  return { schedule, graceMs: grace_ms, now };
}

/** finishScheduleOccurrence records an occurrence's run and sets the next one (null: finished). */
export async function finishScheduleOccurrence(
  client: pg.ClientBase,
  run: {
    scheduleId: string;
    occurrence: string;
    outcome: 'ran' | 'skipped';
    coalesced: number;
    jobId: string;
    next: Date | null;
  },
): Promise<void> {
  await client.query('select app_private.finish_schedule_occurrence($1, $2, $3, $4, $5, $6)', [
    run.scheduleId,
    run.occurrence,
    run.outcome,
    run.coalesced,
    run.jobId,
    run.next,
  ]);
}

/** enqueueNotification puts a notification due now in the outbox with its job; returns its id. */
export function enqueueNotification(
  client: pg.ClientBase,
  n: { recipientId: string; channel: string | null; message: string; scheduledBy: string | null },
): Promise<string> {
  return scalar(client, 'select app_private.enqueue_notification($1, $2, $3, $4) as value', [
    n.recipientId,
    n.channel,
    n.message,
    n.scheduledBy,
  ]);
}

/** Agenda is a user's day as app_private.daily_agenda gives it. */
export interface Agenda {
  timeZone: string;
  day: string;
  sessions: { startsAt: string; endsAt: string; subject: string; with: string | null }[];
}

/** dailyAgenda is a user's sessions on the day `at` falls on in their zone; undefined for no user. */
export async function dailyAgenda(
  client: pg.ClientBase,
  userId: string,
  at: Date,
): Promise<Agenda | undefined> {
  const agenda = await scalar<Agenda | null>(
    client,
    'select app_private.daily_agenda($1, $2) as value',
    [userId, at],
  );
  return agenda ?? undefined;
}

/** UpcomingJob is a row of app_private.upcoming_jobs: a queued job due in a window. */
export interface UpcomingJob {
  at: Date;
  kind: string;
  task: string;
  what: string;
  count: number;
  key: string | null;
}

/**
 * upcomingJobs lists the queued jobs due in [from, until), in time order, at most `max`; the
 * queued sweeps (kind crontab) only `withCrontab`.
 */
export async function upcomingJobs(
  db: Queryable,
  window: { from: Date; until: Date; max: number; withCrontab: boolean },
): Promise<UpcomingJob[]> {
  const { rows } = await db.query<UpcomingJob>(
    'select at, kind, task, what, count, key from app_private.upcoming_jobs($1, $2, $3, $4)',
    [window.from, window.until, window.max, window.withCrontab],
  );
  return rows;
}

/**
 * runningSchedules reads the schedules that are not paused and next run before `until`, each
 * with what its occurrences do in words (app_private.schedule_what).
 */
export async function runningSchedules(
  db: Queryable,
  until: Date,
): Promise<(ScheduleRow & { what: string })[]> {
  const { rows } = await db.query<ScheduleRow & { what: string }>(
    `select ${SCHEDULE_COLUMNS}, app_private.schedule_what(s) as what from app_public.schedules s
     where not s.paused and s.next_run_at < $1 order by s.next_run_at, s.id`,
    [until],
  );
  return rows;
}

/** crontabSchedules reads the crontab as the running code wrote it: each task and its five fields. */
export async function crontabSchedules(
  db: Queryable,
): Promise<{ task: string; schedule: string }[]> {
  const { rows } = await db.query<{ task: string; schedule: string }>(
    'select task, schedule from app_private.crontab order by identifier',
  );
  return rows;
}

/** Caller is who a subscription reads as: its token's sub and role, under the requests' role. */
export interface Caller {
  readonly sub: string;
  readonly role: string;
  readonly visitorRole: string;
}

/** SUBSCRIPTIONS are, per stream, the function naming the caller's topic and the table of its rows. */
const SUBSCRIPTIONS = {
  bookingEvents: { topic: 'app_hidden.booking_events_topic()', table: 'app_public.booking_events' },
  myNotifications: {
    topic: 'app_hidden.my_notifications_topic()',
    table: 'app_public.notifications',
  },
} as const;

/** SubscriptionName is a stream of SUBSCRIPTIONS. */
export type SubscriptionName = keyof typeof SUBSCRIPTIONS;

/** subscriptionTopic is the topic a user's stream is announced on, as its SQL function names it now. */
export function subscriptionTopic(
  client: pg.ClientBase,
  caller: Caller,
  name: SubscriptionName,
): Promise<string | null> {
  return withClaims(client, caller, () =>
    scalar<string | null>(client, `select ${SUBSCRIPTIONS[name].topic} as value`, []),
  );
}

/** subscriptionRowVisible is whether row-level security shows a stream's row to a user now. */
export function subscriptionRowVisible(
  client: pg.ClientBase,
  caller: Caller,
  name: SubscriptionName,
  id: string,
): Promise<boolean> {
  return withClaims(client, caller, () =>
    scalar<boolean>(
      client,
      `select exists (select 1 from ${SUBSCRIPTIONS[name].table} where id = $1) as value`,
      [id],
    ),
  );
}

/**
 * pausedFlags is the graphile-worker flags of what is paused (app_private.paused): a worker
 * fetches no job carrying one of them.
 */
export async function pausedFlags(db: Queryable): Promise<string[]> {
  return scalar(db, 'select app_private.paused_flags() as value', []);
}

/** listenForPauses makes `client` hear each change to what is paused (app_private.paused's trigger). */
export async function listenForPauses(client: pg.ClientBase): Promise<void> {
  await client.query('listen "schoolbell:paused"');
}

/** jobOutcomesTopic is the topic job outcomes are announced on; refused (DENYD) unless an admin. */
export function jobOutcomesTopic(client: pg.ClientBase, caller: Caller): Promise<string> {
  return withClaims(client, caller, () =>
    scalar<string>(client, 'select app_hidden.job_outcomes_topic() as value', []),
  );
}

/** queueCountsTopics are the topics a change to the queue is announced on; admins only. */
export function queueCountsTopics(client: pg.ClientBase, caller: Caller): Promise<string[]> {
  return withClaims(client, caller, () =>
    scalar<string[]>(client, 'select app_hidden.queue_counts_topics() as value', []),
  );
}

/** JobOutcomeRow is one job history row as app_hidden.job_outcomes gives it. */
export interface JobOutcomeRow {
  readonly id: string;
  readonly jobId: string;
  readonly task: string;
  readonly jobKey: string | null;
  readonly outcome: WorkerOutcome;
  readonly attempt: number;
  readonly error: string | null;
  readonly finishedAt: string;
  readonly durationMs: number | null;
}

/** jobOutcomes reads the history rows of `ids` (of a task and outcome, when given) as an admin. */
export function jobOutcomes(
  client: pg.ClientBase,
  caller: Caller,
  ids: readonly string[],
  only: { task?: string; outcome?: string },
): Promise<JobOutcomeRow[]> {
  return withClaims(client, caller, () =>
    scalar<JobOutcomeRow[]>(client, 'select app_hidden.job_outcomes($1, $2, $3) as value', [
      ids,
      only.task ?? null,
      only.outcome ?? null,
    ]),
  );
}

/** QueueCounts is the queue as app_hidden.queue_counts counts it. */
export interface QueueCounts {
  readonly counts: ReadonlyArray<{ task: string; state: string; count: number }>;
  readonly succeededLastHour: number;
  readonly failedLastHour: number;
}

/** queueCounts counts the queue by task and state, and the last hour's outcomes, as an admin. */
export function queueCounts(client: pg.ClientBase, caller: Caller): Promise<QueueCounts> {
  return withClaims(client, caller, () =>
    scalar<QueueCounts>(client, 'select app_hidden.queue_counts() as value', []),
  );
}
