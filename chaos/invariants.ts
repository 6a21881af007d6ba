// What the chaos run promises, each a query of the database after the run: a row a query
// returns is a broken promise. The deliveries the webhook receiver saw are loaded into a table of
// the checking session first, so that the database answers about them too.
import type pg from 'pg';

/** Delivery is one call the webhook receiver got: the idempotency key it carried, if any. */
export interface Delivery {
  readonly key: string | undefined;
  readonly at: number;
}

/** Invariant is one promise and what the check found against it. */
export interface Invariant {
  readonly name: string;
  readonly promise: string;
  readonly held: boolean;
  /** violations counts what broke it; examples shows a few. */
  readonly violations: number;
  readonly examples: unknown[];
}

/**
 * CHECKS are the invariants, each a query returning one row per violation. They read
 * `chaos_deliveries` (what the receiver got), `chaos_live_workers` (the pids of the worker
 * processes alive at the end), temporary tables loadDeliveries fills.
 */
export const CHECKS: ReadonlyArray<{ name: string; promise: string; sql: string }> = [
  {
    name: 'moved once',
    promise: 'no booking made a timed move (expire, start, end) more than once',
    sql: `select e.booking_id, e.from_state, e.to_state, count(*)::int as moves
            from app_public.booking_events e
            join app_private.booking_deadlines d on d.from_state = e.from_state and d.to_state = e.to_state
           group by 1, 2, 3 having count(*) > 1`,
  },
  {
    name: 'audit agrees',
    promise:
      "each booking's state is where its audit trail ends, and each event starts where the one before ended",
    sql: `with trail as (
            select e.booking_id, e.from_state, e.to_state,
                   lag(e.to_state) over (partition by e.booking_id order by e.id) as before,
                   row_number() over (partition by e.booking_id order by e.id desc) as from_last
              from app_public.booking_events e
          )
          select b.id as booking_id, b.state, t.to_state as audit_ends_at
            from app_public.bookings b left join trail t on t.booking_id = b.id and t.from_last = 1
           where t.to_state is distinct from b.state
          union all
          select t.booking_id, t.from_state, t.before from trail t where t.from_state is distinct from t.before`,
  },
  {
    name: 'due moved',
    promise: 'every booking whose deadline has passed has made its move',
    sql: `select b.id as booking_id, b.state, app_private.deadline_instant(b, d) + app_private.deadline_grace(d) as due
            from app_public.bookings b join app_private.booking_deadlines d on d.from_state = b.state
           where app_private.deadline_instant(b, d) + app_private.deadline_grace(d) < now() - interval '5 seconds'`,
  },
  {
    name: 'never early',
    promise: 'no booking made a timed move before its deadline (plus its grace)',
    sql: `select e.booking_id, e.to_state, e.created_at, app_private.deadline_instant(b, d) + app_private.deadline_grace(d) as due
            from app_public.booking_events e
            join app_public.bookings b on b.id = e.booking_id
            join app_private.booking_deadlines d on d.from_state = e.from_state and d.to_state = e.to_state
           where e.created_at < app_private.deadline_instant(b, d) + app_private.deadline_grace(d)`,
  },
  {
    name: 'reminders delivered',
    promise:
      'every reminder of a session that started was delivered (unless a reschedule called it off before the start), and the receiver got every notification marked sent',
    sql: `select n.id, n.state, 'not delivered' as problem
            from app_public.notifications n
            join app_public.booking_events started on started.booking_id = n.booking_id and started.to_state = 'active'
           where n.state <> 'sent' and not (n.state = 'cancelled' and n.updated_at < started.created_at)
          union all
          select n.id, n.state, 'marked sent, never received'
            from app_public.notifications n
           where n.state = 'sent' and not exists (
             select 1 from chaos_deliveries r
              where r.notification_id = n.id and r.run_at = date_trunc('milliseconds', n.run_at))`,
  },
  {
    name: 'duplicates explained',
    promise:
      'a notification reached the receiver more than once only after an attempt was cut mid-flight (a crashed or failed attempt in the history), each time with its idempotency key',
    sql: `select r.notification_id, r.run_at, count(*)::int as deliveries,
                 (select count(*)::int from app_private.job_history h
                   where h.job_key = app_private.notification_job_key(r.notification_id)
                     and h.outcome in ('crashed', 'error', 'failed')) as interrupted
            from chaos_deliveries r
           where r.notification_id is not null
           group by 1, 2
          having count(*) - 1 > (select count(*) from app_private.job_history h
                                  where h.job_key = app_private.notification_job_key(r.notification_id)
                                    and h.outcome in ('crashed', 'error', 'failed'))
          union all
          select null, null, count(*)::int, null from chaos_deliveries r
           where r.notification_id is null having count(*) > 0`,
  },
  {
    name: 'no dead locks',
    promise: 'no job is locked by a worker that is no longer alive',
    sql: `select j.id, j.locked_by, j.locked_at
            from graphile_worker._private_jobs j
            left join app_private.workers w on w.id = j.locked_by
           where j.locked_by is not null
             and (w.id is null or w.pid not in (select pid from chaos_live_workers))`,
  },
  {
    name: 'cron ticks once',
    promise: 'no crontab tick ran to completion twice',
    sql: `select h.task, h.payload->'_cron'->>'ts' as tick, count(*)::int as runs
            from app_private.job_history h
           where h.payload->'_cron' is not null and h.outcome = 'success'
           group by 1, 2 having count(*) > 1`,
  },
  {
    name: 'history complete',
    promise:
      'every job whose work is in the data has its run in the history (each sent notification, each move by a timer or a sweep), whenever its worker was killed (README, Job history)',
    sql: `select n.id::text as what, 'send_notification' as task, n.sent_at as done
            from app_public.notifications n
           where n.state = 'sent' and not exists (
             select 1 from app_private.job_history h
              where h.job_key = app_private.notification_job_key(n.id) and h.outcome = 'success')
          union all
          select e.booking_id::text, a.subject, e.created_at
            from app_public.booking_events e
            join app_public.bookings b on b.id = e.booking_id
            join app_private.booking_deadlines d on d.from_state = e.from_state and d.to_state = e.to_state
            cross join lateral app_private.actor_parts(e.actor) a
           where a.kind = 'job' and not exists (
             select 1 from app_private.job_history h
              where h.job_key = app_private.timer_key(a.subject, app_private.deadline_instant(b, d))
                and h.outcome = 'success')
          union all
          select e.booking_id::text, a.subject, e.created_at
            from app_public.booking_events e
            cross join lateral app_private.actor_parts(e.actor) a
           where a.kind = 'sweep' and not exists (
             select 1 from app_private.job_history h
              where h.task = a.subject and h.outcome = 'success' and h.finished_at >= e.created_at)`,
  },
];

/**
 * loadDeliveries fills the checking session's temporary tables: what the receiver got (the
 * notification id and run_at its idempotency key names) and which worker pids are alive.
 */
export async function loadDeliveries(
  client: pg.ClientBase,
  deliveries: readonly Delivery[],
  liveWorkerPids: readonly number[],
): Promise<void> {
  await client.query(
    'create temporary table chaos_deliveries (notification_id uuid, run_at timestamptz, received_at timestamptz)',
  );
  await client.query('create temporary table chaos_live_workers (pid integer)');
  const ids: Array<string | null> = [];
  const runAts: Array<string | null> = [];
  const ats: string[] = [];
  for (const delivery of deliveries) {
    // The key is <notification id>:<run_at> (tasks/send_notification.ts); a uuid holds no colon.
    const colon = delivery.key?.indexOf(':') ?? -1;
    ids.push(delivery.key && colon > 0 ? delivery.key.slice(0, colon) : null);
    runAts.push(delivery.key && colon > 0 ? delivery.key.slice(colon + 1) : null);
    ats.push(new Date(delivery.at).toISOString());
  }
  await client.query(
    `insert into chaos_deliveries
     select * from unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[])`,
    [ids, runAts, ats],
  );
  await client.query('insert into chaos_live_workers select unnest($1::int[])', [
    [...liveWorkerPids],
  ]);
}

/** checkInvariants runs every check on a session where loadDeliveries has run. */
export async function checkInvariants(client: pg.ClientBase): Promise<Invariant[]> {
  const results: Invariant[] = [];
  for (const check of CHECKS) {
    const { rows } = await client.query(check.sql);
    results.push({
      name: check.name,
      promise: check.promise,
      held: rows.length === 0,
      violations: rows.length,
      examples: rows.slice(0, 5),
    });
  }
  return results;
}
