-- Stuck work is visible: how long each crontab sweep has really waited.
--
-- Replaces app_public.queue_summary() (first defined in 0007_operations.sql), whose type
-- app_public.queue_summary gains two attributes: the most overdue sweep and by how much.
--
-- A sweep's job key folds every new tick into its one pending job, so that job's run_at moves
-- forward each minute and the job views (job_states, jobs_due) never show it as more than a
-- tick late, however long it has waited. A sweep's real wait is measured from what it last
-- did instead: the crontab says how often it must run (app_private.crontab, written by every
-- process as it starts), the job history when it last succeeded. The pending job's created_at
-- (kept when ticks fold into it) bounds the wait from the other side.

create table app_private.crontab (
  identifier text primary key,
  task text not null,
  schedule text not null,
  period interval not null,
  job_key text,
  updated_at timestamptz not null default now()
);
alter table app_private.crontab enable row level security;
comment on table app_private.crontab is
  'The crontab as the running code has it, written by every process as it starts: what runs when.';
comment on column app_private.crontab.identifier is 'The crontab entry (graphile_worker._private_known_crontabs.identifier).';
comment on column app_private.crontab.schedule is 'The five cron fields, e.g. */5 * * * *.';
comment on column app_private.crontab.period is 'The longest time between two ticks of the schedule.';
comment on column app_private.crontab.job_key is 'The job key its ticks fold into, if any.';

-- Replaces the whole crontab in one statement, so that entries removed from the file go too.
create function app_private.write_crontab(entries json) returns void
  language sql volatile
  set search_path = pg_catalog
as $$
  with incoming as (
    select e.identifier, e.task, e.schedule, e.period, e.job_key
    from json_to_recordset(entries) as e(identifier text, task text, schedule text, period interval, job_key text)
  ), removed as (
    delete from app_private.crontab c
    where not exists (select 1 from incoming i where i.identifier = c.identifier)
  )
  insert into app_private.crontab (identifier, task, schedule, period, job_key, updated_at)
  select identifier, task, schedule, period, job_key, now() from incoming
  on conflict (identifier) do update
    set task = excluded.task, schedule = excluded.schedule, period = excluded.period,
        job_key = excluded.job_key, updated_at = excluded.updated_at
    where (crontab.task, crontab.schedule, crontab.period, crontab.job_key)
      is distinct from (excluded.task, excluded.schedule, excluded.period, excluded.job_key);
$$;
comment on function app_private.write_crontab(json) is
  'Makes app_private.crontab what the starting process''s crontab file says.';
-- Functions are executable by PUBLIC when created; only the service's own user calls this one.
revoke execute on function app_private.write_crontab(json) from public;

create view app_private.sweep_status as
select
  c.identifier as sweep,
  c.task,
  c.schedule,
  c.period,
  last.started_at as last_success_at,
  k.known_since,
  j.id as job_id,
  j.state as job_state,
  j.run_at as job_run_at,
  j.created_at as job_created_at,
  j.revision as ticks_folded,
  d.due_since,
  greatest(now() - d.due_since, interval '0') as overdue_for
from app_private.crontab c
left join graphile_worker._private_known_crontabs k on k.identifier = c.identifier
left join lateral (
  select h.started_at from app_private.job_history h
  where h.task = c.task and h.outcome = 'success'
  order by h.finished_at desc limit 1
) last on true
left join lateral (
  select s.id, s.state, s.run_at, s.created_at, pj.revision
  from app_private.job_states s
  join graphile_worker._private_jobs pj on pj.id = s.id
  where s.key = c.job_key
) j on true
cross join lateral (
  select least(
    -- The next tick after the last success (or since cron first knew the entry)...
    coalesce(last.started_at, k.known_since) + c.period,
    -- ...or the oldest tick folded into a pending job that is due or retrying.
    case when j.state in ('due', 'retrying') then least(j.created_at, j.run_at) end
  ) as due_since
) d;
comment on view app_private.sweep_status is
  'Each crontab entry: its schedule, last success, pending job (ticks folded into it), since when a run has been due and how overdue it is. A running sweep counts as overdue once it runs longer than its period.';

-- The admin API's summary names the most overdue sweep.
alter type app_public.queue_summary add attribute overdue_sweep text;
alter type app_public.queue_summary add attribute overdue_sweep_seconds double precision;
comment on column app_public.queue_summary.overdue_sweep is
  'The crontab sweep that has waited longest past its schedule (null when none is a minute or more overdue).';
comment on column app_public.queue_summary.overdue_sweep_seconds is
  'How long that sweep has been overdue, even when its job key folded the ticks into one job.';
comment on type app_public.queue_summary is
  'The oldest overdue job and the most overdue sweep; throughput and failures (errors, permanent failures, crashes) over the last hour.';

create or replace function app_public.queue_summary() returns app_public.queue_summary
  language plpgsql stable security definer
  set search_path = pg_catalog
as $$
begin
  perform app_hidden.require_admin();
  return (
    select row(d.id, d.task, d.run_at, extract(epoch from d.lateness)::float8, h.succeeded, h.failed, h.succeeded / 60.0,
               w.sweep, extract(epoch from w.overdue_for)::float8)::app_public.queue_summary
    from (select 1) one
    left join lateral (
      select s.id, s.task, s.run_at, s.lateness from app_private.job_states s where s.state = 'due' order by s.run_at limit 1
    ) d on true
    left join lateral (
      -- Every run is due for a moment before it starts: a minute late is late.
      select s.sweep, s.overdue_for from app_private.sweep_status s
      where s.overdue_for > interval '1 minute' order by s.overdue_for desc limit 1
    ) w on true
    cross join lateral (
      select count(*) filter (where outcome = 'success')::int as succeeded,
             count(*) filter (where outcome in ('error', 'failed', 'crashed'))::int as failed
      from app_private.job_history where finished_at > now() - interval '1 hour'
    ) h
  );
end;
$$;
comment on function app_public.queue_summary() is
  'Admins: the oldest overdue job, the most overdue sweep, throughput and failures over the last hour.';
