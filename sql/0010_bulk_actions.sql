-- Bulk actions: retry, cancel or reschedule every job matching a filter (task, state, run_at
-- window), for admins (README, Admin API) and DBAs (README, Runbook). What a job's state allows
-- is one definition, app_private.job_action_allowed (sql/0008_operations.sql), which the
-- single-job functions ask too. A bulk action calls the single-job function (retry_job,
-- cancel_job, reschedule_job) for each job it picks, so both do exactly the same.
--
-- An empty filter never means every job: at least one of task, state, since, until is required
-- (BADIN naming `filter`). One call acts on at most app_private.bulk_action_limit() jobs, the
-- earliest by run_at, locked with SKIP LOCKED (a job a worker takes meanwhile is left alone);
-- jobsMatching says how many remain, and calling again acts on the next ones.

create function app_private.bulk_action_limit() returns integer
  language sql immutable
  set search_path = pg_catalog
as $$
  select 1000
$$;
comment on function app_private.bulk_action_limit() is 'The most jobs one bulk action (retryJobs, cancelJobs, rescheduleJobs) acts on.';

-- The jobs a filter matches, as app_public.jobs filters them. Refuses an empty filter, a bad
-- time and a window that ends before it starts, naming the argument.
create function app_private.jobs_matching(task text, state app_public.job_state, since timestamptz, until timestamptz)
  returns setof app_private.job_states
  language plpgsql stable
  set search_path = pg_catalog
as $$
begin
  if task is null and state is null and since is null and until is null then
    raise exception 'filter: give at least one of task, state, since, until (an empty filter would match every job)'
      using errcode = 'BADIN';
  end if;
  perform app_hidden.check_time('since', since);
  perform app_hidden.check_time('until', until);
  if until <= since then
    raise exception 'until (%) must be after since (%)', until, since using errcode = 'BADIN';
  end if;
  return query
    select s.* from app_private.job_states s
    where (jobs_matching.task is null or s.task = jobs_matching.task)
      and (jobs_matching.state is null or s.state = jobs_matching.state)
      and (jobs_matching.since is null or s.run_at >= jobs_matching.since)
      and (jobs_matching.until is null or s.run_at < jobs_matching.until);
end;
$$;

-- The jobs one bulk action acts on: those the filter matches that the action allows, the
-- earliest first, at most bulk_action_limit(), locked so that no worker takes them meanwhile
-- (one a worker holds is skipped, not waited for).
create function app_private.bulk_job_ids(change text, task text, state app_public.job_state, since timestamptz, until timestamptz)
  returns bigint[]
  language sql volatile
  set search_path = pg_catalog
as $$
  select coalesce(array_agg(j.id order by j.run_at, j.id), '{}')
  from (
    select pj.id, pj.run_at
    from graphile_worker._private_jobs pj
    where pj.id in (
      select m.id from app_private.jobs_matching(bulk_job_ids.task, bulk_job_ids.state, bulk_job_ids.since, bulk_job_ids.until) m
      where app_private.job_action_allowed(change, m.state)
    )
    order by pj.run_at, pj.id
    limit app_private.bulk_action_limit()
    for update skip locked
  ) j
$$;

create type app_public.job_match as (total integer, retryable integer, cancellable integer, reschedulable integer, per_call integer);
comment on type app_public.job_match is 'How many jobs a filter matches, and how many of them each bulk action would act on.';
comment on column app_public.job_match.total is E'@notNull\nJobs the filter matches.';
comment on column app_public.job_match.retryable is E'@notNull\nOf them, failed or retrying: what retryJobs acts on.';
comment on column app_public.job_match.cancellable is E'@notNull\nOf them, not running: what cancelJobs acts on.';
comment on column app_public.job_match.reschedulable is E'@notNull\nOf them, not running: what rescheduleJobs acts on.';
comment on column app_public.job_match.per_call is E'@notNull\nThe most jobs one call of a bulk action acts on; call again for the rest.';

create function app_public.jobs_matching(
  task text default null,
  state app_public.job_state default null,
  since timestamptz default null,
  until timestamptz default null
) returns app_public.job_match
  language plpgsql stable security definer
  set search_path = pg_catalog
as $$
begin
  perform app_hidden.require_admin();
  return (
    select row(count(*), count(*) filter (where app_private.job_action_allowed('retried', m.state)),
               count(*) filter (where app_private.job_action_allowed('cancelled', m.state)),
               count(*) filter (where app_private.job_action_allowed('rescheduled', m.state)),
               app_private.bulk_action_limit())::app_public.job_match
    from app_private.jobs_matching(jobs_matching.task, jobs_matching.state, jobs_matching.since, jobs_matching.until) m
  );
end;
$$;
comment on function app_public.jobs_matching(text, app_public.job_state, timestamptz, timestamptz) is E'@arg task: Only jobs of this task.\n@arg state: Only jobs in this state.\n@arg since: Only jobs due at or after this time.\n@arg until: Only jobs due before this time.\nAdmins: how many jobs a filter matches (at least one of task, state, since, until) and how many each bulk action would act on, to show before confirming one.';

-- One bulk action: `change` (retried, cancelled, rescheduled to run_at) made by the single-job
-- function to each job bulk_job_ids picks. Returns how many.
create function app_private.change_jobs(
  change text, task text, state app_public.job_state, since timestamptz, until timestamptz, run_at timestamptz default null
) returns integer
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_ids bigint[];
  v_id bigint;
begin
  -- A bad runAt is refused even when no job matches.
  if change = 'rescheduled' and (run_at is null or not isfinite(run_at)) then
    raise exception 'runAt must be a real time' using errcode = 'BADIN';
  end if;
  perform app_hidden.check_time('runAt', run_at);
  v_ids := app_private.bulk_job_ids(change, task, state, since, until);
  foreach v_id in array v_ids loop
    case change
      when 'retried' then perform app_public.retry_job(v_id);
      when 'cancelled' then perform app_public.cancel_job(v_id);
      when 'rescheduled' then perform app_public.reschedule_job(v_id, change_jobs.run_at);
    end case;
  end loop;
  return cardinality(v_ids);
end;
$$;

create function app_public.retry_jobs(
  task text default null, state app_public.job_state default null, since timestamptz default null, until timestamptz default null
) returns integer
  language sql volatile security definer
  set search_path = pg_catalog
as $$
  select app_private.change_jobs('retried', retry_jobs.task, retry_jobs.state, retry_jobs.since, retry_jobs.until)
  from app_hidden.require_admin() -- admins only: DENYD for anyone else, even when nothing matches
$$;
comment on function app_public.retry_jobs(text, app_public.job_state, timestamptz, timestamptz) is E'@arg task: Only jobs of this task.\n@arg state: Only jobs in this state.\n@arg since: Only jobs due at or after this time.\n@arg until: Only jobs due before this time.\n@resultFieldName count\n@notNull\nAdmins: retry (as retryJob) the failed and retrying jobs a filter matches, at most 1,000 per call, the earliest first; returns how many.';

create function app_public.cancel_jobs(
  task text default null, state app_public.job_state default null, since timestamptz default null, until timestamptz default null
) returns integer
  language sql volatile security definer
  set search_path = pg_catalog
as $$
  select app_private.change_jobs('cancelled', cancel_jobs.task, cancel_jobs.state, cancel_jobs.since, cancel_jobs.until)
  from app_hidden.require_admin()
$$;
comment on function app_public.cancel_jobs(text, app_public.job_state, timestamptz, timestamptz) is E'@arg task: Only jobs of this task.\n@arg state: Only jobs in this state.\n@arg since: Only jobs due at or after this time.\n@arg until: Only jobs due before this time.\n@resultFieldName count\n@notNull\nAdmins: cancel (as cancelJob) the jobs a filter matches that are not running, at most 1,000 per call, the earliest first; returns how many.';

create function app_public.reschedule_jobs(
  run_at timestamptz, task text default null, state app_public.job_state default null, since timestamptz default null,
  until timestamptz default null
) returns integer
  language sql volatile security definer
  set search_path = pg_catalog
as $$
  select app_private.change_jobs('rescheduled', reschedule_jobs.task, reschedule_jobs.state, reschedule_jobs.since, reschedule_jobs.until, reschedule_jobs.run_at)
  from app_hidden.require_admin()
$$;
comment on function app_public.reschedule_jobs(timestamptz, text, app_public.job_state, timestamptz, timestamptz) is E'@arg runAt: When they should run.\n@arg task: Only jobs of this task.\n@arg state: Only jobs in this state.\n@arg since: Only jobs due at or after this time.\n@arg until: Only jobs due before this time.\n@resultFieldName count\n@notNull\nAdmins: move (as rescheduleJob) the jobs a filter matches that are not running to runAt, at most 1,000 per call, the earliest first; returns how many.';

grant execute on function app_public.jobs_matching(text, app_public.job_state, timestamptz, timestamptz) to schoolbell_visitor;
grant execute on function app_public.retry_jobs(text, app_public.job_state, timestamptz, timestamptz) to schoolbell_visitor;
grant execute on function app_public.cancel_jobs(text, app_public.job_state, timestamptz, timestamptz) to schoolbell_visitor;
grant execute on function app_public.reschedule_jobs(timestamptz, text, app_public.job_state, timestamptz, timestamptz) to schoolbell_visitor;
