// The chaos run's figures, asked of the database: how much load it carried, how late the timed
// moves and the reminders were outside and during faults, and what the jobs did.
import type pg from 'pg';
import type { Fault } from './faults.ts';

/** Lateness is how late one kind of work was, in milliseconds, outside or during faults. */
export interface Lateness {
  readonly what: string;
  readonly during: 'outside faults' | 'during faults';
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** Carried is the load the database says the run carried. */
export interface Carried {
  readonly bookings: number;
  readonly byState: Record<string, number>;
  readonly notifications: Record<string, number>;
  readonly jobs: Record<string, number>;
}

/** A fault counts as under way from its start until it recovered (or five minutes after it was lifted). */
export async function loadFaults(client: pg.ClientBase, faults: readonly Fault[]): Promise<void> {
  await client.query(
    'create temporary table chaos_faults (started_at timestamptz, recovered_at timestamptz)',
  );
  await client.query(
    'insert into chaos_faults select * from unnest($1::timestamptz[], $2::timestamptz[])',
    [
      faults.map((fault) => new Date(fault.startedAt).toISOString()),
      faults.map((fault) => new Date(fault.recoveredAt ?? fault.liftedAt + 300_000).toISOString()),
    ],
  );
}

/**
 * lateness measures each timed move (from its deadline plus grace to its audit row) and each
 * reminder (from its run_at to its sent_at), split by whether it fell due while a fault was under way.
 */
export async function lateness(client: pg.ClientBase): Promise<Lateness[]> {
  const { rows } = await client.query(
    `with work as (
       select 'booking ' || e.to_state as what,
              app_private.deadline_instant(b, d) + app_private.deadline_grace(d) as due, e.created_at as done
         from app_public.booking_events e
         join app_public.bookings b on b.id = e.booking_id
         join app_private.booking_deadlines d on d.from_state = e.from_state and d.to_state = e.to_state
       union all
       select 'reminder sent', n.run_at, n.sent_at
         from app_public.notifications n where n.booking_id is not null and n.state = 'sent'
     ), classed as (
       select w.what, extract(epoch from w.done - w.due) * 1000 as ms,
              exists (select 1 from chaos_faults f where w.due between f.started_at and f.recovered_at) as during
         from work w
     )
     select what, case when during then 'during faults' else 'outside faults' end as during, count(*)::int as n,
            round(percentile_cont(0.5) within group (order by ms)::numeric, 1)::float8 as p50,
            round(percentile_cont(0.99) within group (order by ms)::numeric, 1)::float8 as p99,
            round(max(ms)::numeric, 1)::float8 as max
       from classed group by what, during order by what, during desc`,
  );
  return rows;
}

/** carried counts the bookings by state, the notifications by state and the job runs by outcome. */
export async function carried(client: pg.ClientBase): Promise<Carried> {
  const count = async (sql: string) =>
    Object.fromEntries(
      (await client.query<{ k: string; n: number }>(sql)).rows.map((row) => [row.k, row.n]),
    );
  const byState = await count(
    'select state::text as k, count(*)::int as n from app_public.bookings group by 1 order by 1',
  );
  return {
    bookings: Object.values(byState).reduce((sum, n) => sum + n, 0),
    byState,
    notifications: await count(
      'select state::text as k, count(*)::int as n from app_public.notifications group by 1 order by 1',
    ),
    jobs: await count(
      'select outcome::text as k, count(*)::int as n from app_private.job_history group by 1 order by 1',
    ),
  };
}

/** overdue counts the work past due by more than two seconds: timed moves not made, reminders not sent. */
export async function overdue(db: pg.Pool): Promise<number> {
  const { rows } = await db.query(
    `select (select count(*) from app_public.bookings b
               join app_private.booking_deadlines d on d.from_state = b.state
              where app_private.deadline_instant(b, d) + app_private.deadline_grace(d) < now() - interval '2 seconds')
          + (select count(*) from app_public.notifications n
              where n.state = 'pending' and n.run_at < now() - interval '2 seconds') as n`,
  );
  return Number(rows[0].n);
}

/** unfinished counts the bookings and notifications still waiting for their time. */
export async function unfinished(db: pg.Pool): Promise<number> {
  const { rows } = await db.query(
    `select (select count(*) from app_public.bookings b
               join app_private.booking_deadlines d on d.from_state = b.state)
          + (select count(*) from app_public.notifications n where n.state = 'pending') as n`,
  );
  return Number(rows[0].n);
}
