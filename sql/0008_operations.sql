-- Operations: views for DBAs (documented in the README's runbook) and the admin API (GraphQL
-- functions that check the caller is an admin), over graphile-worker's jobs, the job history
-- and the crontab (sql/0007_workers.sql).

create type app_public.job_state as enum ('scheduled', 'due', 'running', 'retrying', 'failed');
comment on type app_public.job_state is E'@value scheduled: Waits for its run_at.\n@value due: Should be running and is not yet.\n@value running: A worker holds it.\n@value retrying: Failed; will be tried again.\n@value failed: No attempts left.\nscheduled: waits for its run_at; due: should be running and is not yet; running: a worker holds it; retrying: failed, will be tried again; failed: no attempts left.';

-- What is paused (sql/0013_pause.sql pauses and resumes; src/worker/pauses.ts): the DBAs' job_states
-- and the admin API's Job say whether a pause holds a job.
create table app_private.paused (
  kind text not null check (kind in ('task', 'channel')),
  name text not null,
  paused_by text not null,
  paused_at timestamptz not null default now(),
  primary key (kind, name)
);
alter table app_private.paused enable row level security;
comment on table app_private.paused is 'What is paused: a task (its jobs) or a notification channel (its deliveries), by whom and since when.';

-- The flag a job carries for what may pause it: task:<identifier> or channel:<channel>.
create function app_private.pause_flag(kind text, name text) returns text
  language sql immutable
as $$
  select kind || ':' || name
$$;
comment on function app_private.pause_flag(text, text) is
  'The graphile-worker flag of what may pause a job: task:<identifier> or channel:<channel>.';

create function app_private.paused_flags() returns text[]
  language sql stable
  set search_path = pg_catalog
as $$
  select coalesce(array_agg(app_private.pause_flag(p.kind, p.name) order by p.kind, p.name), '{}')
  from app_private.paused p
$$;
comment on function app_private.paused_flags() is
  'The flags workers must not fetch (graphile-worker''s forbiddenFlags): one per row of app_private.paused.';

------------------------------------------------------------------------------------------------
-- Views for DBAs (documented in the README's runbook).

create view app_private.job_states as
select
  j.id,
  t.identifier as task,
  j.key,
  q.queue_name as queue,
  case
    when j.locked_at is not null then 'running'
    when j.attempts >= j.max_attempts then 'failed'
    when j.last_error is not null then 'retrying'
    when j.run_at <= now() then 'due'
    else 'scheduled'
  end::app_public.job_state as state,
  j.run_at,
  case when j.locked_at is null and j.attempts < j.max_attempts and j.run_at <= now() then now() - j.run_at end as lateness,
  j.attempts,
  j.max_attempts,
  j.last_error,
  j.locked_by,
  j.locked_at,
  j.payload,
  j.created_at,
  j.updated_at,
  j.is_available and exists (select 1 from app_private.paused p where j.flags ? app_private.pause_flag(p.kind, p.name)) as paused
from graphile_worker._private_jobs j
join graphile_worker._private_tasks t on t.id = j.task_id
left join graphile_worker._private_job_queues q on q.id = j.job_queue_id;
comment on view app_private.job_states is 'Every job with its state (scheduled, due, running, retrying, failed), lateness, and whether a pause holds it.';

create view app_private.jobs_pending_by_task as
select task,
       count(*) filter (where state = 'scheduled') as scheduled,
       count(*) filter (where state = 'due') as due,
       count(*) filter (where state = 'retrying') as retrying,
       min(run_at) filter (where state = 'scheduled') as next_run_at,
       max(lateness) as max_lateness
from app_private.job_states
where state in ('scheduled', 'due', 'retrying')
group by task
order by task;
comment on view app_private.jobs_pending_by_task is 'Jobs waiting to run, per task: scheduled, due, retrying; the next run and the worst lateness.';

create view app_private.jobs_due as
select id, task, key, run_at, lateness, attempts, payload
from app_private.job_states
where state = 'due'
order by run_at;
comment on view app_private.jobs_due is 'Jobs that are due and not started, most overdue first, with their lateness.';

create view app_private.jobs_running as
select s.id, s.task, s.key, s.locked_by, w.hostname, w.pid, w.last_seen_at,
       now() - s.locked_at as running_for, s.attempts
from app_private.job_states s
left join app_private.workers w on w.id = s.locked_by
where s.state = 'running'
order by s.locked_at;
comment on view app_private.jobs_running is 'Jobs being run, by which worker (host, pid, last heartbeat) and for how long.';
create view app_private.jobs_failed as
select id, task, key, state, attempts, max_attempts, last_error,
       case when attempts < max_attempts then run_at end as next_attempt_at,
       updated_at, payload
from app_private.job_states
where state in ('retrying', 'failed')
order by updated_at desc;
comment on view app_private.jobs_failed is
  'Failed jobs: retrying (next_attempt_at says when) or permanently failed (no attempts left, next_attempt_at null), with their errors.';
comment on column app_private.jobs_failed.next_attempt_at is
  'When the job is tried again; null when it has no attempts left and will not be retried.';

create view app_private.stale_locks as
select s.id, s.task, s.key, s.locked_by, s.locked_at, w.last_seen_at,
       coalesce(w.last_seen_at, s.locked_at) as silent_since
from app_private.job_states s
left join app_private.workers w on w.id = s.locked_by
where s.state = 'running'
  and coalesce(w.last_seen_at, s.locked_at) < now() - app_private.setting_interval('worker_dead_after');
comment on view app_private.stale_locks is
  'Locks held by workers that are gone (no heartbeat for WORKER_DEAD_AFTER); the survivors free them on their next beat.';

-- Stuck work is visible: how long each crontab sweep has really waited. A sweep's job key folds
-- every new tick into its one pending job, so that job's run_at moves forward each minute and
-- the job views (job_states, jobs_due) never show it as more than a tick late, however long it
-- has waited. A sweep's real wait is measured from what it last did instead: the crontab says
-- how often it must run (app_private.crontab, written by every process as it starts), the job
-- history when it last succeeded. A tick that found nothing to do leaves no history (the
-- worker's idleTicks), so a tick graphile-worker added (last_execution) whose job has gone, or
-- is running, counts as a run too: without it an idle sweep looked overdue five minutes after
-- its last real work. The pending job's created_at (kept when ticks fold into it) bounds the
-- wait from the other side.
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
    -- The next tick after the last success (or since cron first knew the entry), or after the
    -- last tick added whose job is gone (it ran) or running...
    greatest(
      coalesce(last.started_at, k.known_since),
      case when j.id is null or j.state = 'running' then k.last_execution end
    ) + c.period,
    -- ...or the oldest tick folded into a pending job that is due or retrying.
    case when j.state in ('due', 'retrying') then least(j.created_at, j.run_at) end
  ) as due_since
) d;
comment on view app_private.sweep_status is
  'Each crontab entry: its schedule, last success, pending job (ticks folded into it), since when a run has been due and how overdue it is. A running sweep counts as overdue once it runs longer than its period.';

------------------------------------------------------------------------------------------------
-- The admin API (GraphQL): functions that check the caller is an admin
-- (app_hidden.require_admin, sql/0002_users.sql). Admin-only root fields stay nullable: a
-- non-admin's refused field then nulls only itself, not the whole response.

create type app_public.job as (
  id bigint,
  task text,
  key text,
  queue text,
  state app_public.job_state,
  run_at timestamptz,
  lateness_seconds double precision,
  attempts integer,
  max_attempts integer,
  last_error text,
  locked_by text,
  locked_at timestamptz,
  payload json,
  created_at timestamptz,
  updated_at timestamptz,
  paused boolean
);
comment on type app_public.job is 'A graphile-worker job, for admins.';
comment on column app_public.job.lateness_seconds is 'How long a due job has waited past its run_at.';
comment on column app_public.job.locked_by is 'The worker running it.';
comment on column app_public.job.id is E'@notNull\nThe job''s id in graphile-worker.';
comment on column app_public.job.task is E'@notNull\nThe task that runs it (a file in tasks/).';
comment on column app_public.job.key is 'Its job key, if it has one (timer:<task>:<instant>, notification:<id>, ...).';
comment on column app_public.job.queue is 'The named queue it runs in, one at a time; null for none.';
comment on column app_public.job.state is E'@notNull\nWhere the job is.';
comment on column app_public.job.run_at is E'@notNull\nWhen it is due.';
comment on column app_public.job.attempts is E'@notNull\nAttempts so far.';
comment on column app_public.job.max_attempts is E'@notNull\nAttempts allowed before it fails for good.';
comment on column app_public.job.last_error is 'Why the last attempt failed, if it did.';
comment on column app_public.job.locked_at is 'When its worker took it; null unless running.';
comment on column app_public.job.payload is E'@notNull\nWhat the task is given.';
comment on column app_public.job.created_at is E'@notNull\nWhen it was added.';
comment on column app_public.job.updated_at is E'@notNull\nWhen it last changed.';
comment on column app_public.job.paused is E'@notNull\nWhether a pause of its task or channel holds it (pauses): it stays queued, with its run_at, until resumed.';

create type app_public.job_run as (
  id bigint,
  job_id bigint,
  task text,
  job_key text,
  attempt integer,
  run_at timestamptz,
  started_at timestamptz,
  finished_at timestamptz,
  duration_ms double precision,
  outcome app_public.job_outcome,
  error text,
  worker_id text
);
comment on type app_public.job_run is 'One attempt of a job and how it ended, from the job history.';
comment on column app_public.job_run.id is E'@notNull\nThe history row''s id.';
comment on column app_public.job_run.job_id is E'@notNull\nThe job that ran (it may be gone since).';
comment on column app_public.job_run.task is E'@notNull\nThe task that ran.';
comment on column app_public.job_run.job_key is 'The job''s key, if it had one.';
comment on column app_public.job_run.attempt is E'@notNull\nWhich attempt this was, from 1.';
comment on column app_public.job_run.run_at is 'When the job was due.';
comment on column app_public.job_run.started_at is 'When the attempt started; null when unknown (a job cancelled before it ran).';
comment on column app_public.job_run.finished_at is E'@notNull\nWhen the attempt ended.';
comment on column app_public.job_run.duration_ms is 'How long it ran, in milliseconds.';
comment on column app_public.job_run.outcome is E'@notNull\nHow it ended.';
comment on column app_public.job_run.error is 'The error, when it failed.';
comment on column app_public.job_run.worker_id is 'The worker that ran it.';

create function app_private.to_job(s app_private.job_states) returns app_public.job
  language sql immutable
  set search_path = pg_catalog
as $$
  select row(s.id, s.task, s.key, s.queue, s.state, s.run_at, extract(epoch from s.lateness)::float8, s.attempts,
             s.max_attempts, s.last_error, s.locked_by, s.locked_at, s.payload, s.created_at, s.updated_at,
             s.paused)::app_public.job
$$;

create function app_public.jobs(
  task text default null,
  state app_public.job_state default null,
  since timestamptz default null,
  until timestamptz default null
) returns setof app_public.job
  language plpgsql stable security definer
  set search_path = pg_catalog
as $$
begin
  perform app_hidden.require_admin();
  perform app_hidden.check_time('since', jobs.since);
  perform app_hidden.check_time('until', jobs.until);
  return query
    select (app_private.to_job(s)).*
    from app_private.job_states s
    where (jobs.task is null or s.task = jobs.task)
      and (jobs.state is null or s.state = jobs.state)
      and (jobs.since is null or s.run_at >= jobs.since)
      and (jobs.until is null or s.run_at < jobs.until)
    order by s.run_at, s.id;
end;
$$;
comment on function app_public.jobs(text, app_public.job_state, timestamptz, timestamptz) is E'@arg task: Only jobs of this task.\n@arg state: Only jobs in this state.\n@arg since: Only jobs due at or after this time.\n@arg until: Only jobs due before this time.\nAdmins: jobs filtered by task, state and run_at window [since, until), by run_at.';

create function app_public.job(id bigint) returns app_public.job
  language plpgsql stable security definer
  set search_path = pg_catalog
as $$
begin
  perform app_hidden.require_admin();
  return (select app_private.to_job(s) from app_private.job_states s where s.id = job.id);
end;
$$;
comment on function app_public.job(bigint) is E'@arg id: The job''s id.\nAdmins: one job, while graphile-worker still has it. Its attempts, which outlive it, are in jobRuns(jobId).';

create function app_public.job_runs(
  job_id bigint default null,
  task text default null,
  outcome app_public.job_outcome default null,
  since timestamptz default null
) returns setof app_public.job_run
  language plpgsql stable security definer
  set search_path = pg_catalog
as $$
begin
  perform app_hidden.require_admin();
  perform app_hidden.check_time('since', job_runs.since);
  return query
    select h.id, h.job_id, h.task, h.job_key, h.attempt, h.run_at, h.started_at, h.finished_at, h.duration_ms,
           h.outcome, h.error, h.worker_id
    from app_private.job_history h
    where (job_runs.job_id is null or h.job_id = job_runs.job_id)
      and (job_runs.task is null or h.task = job_runs.task)
      and (job_runs.outcome is null or h.outcome = job_runs.outcome)
      and (job_runs.since is null or h.finished_at >= job_runs.since)
    order by h.id desc;
end;
$$;
comment on function app_public.job_runs(bigint, text, app_public.job_outcome, timestamptz) is E'@arg jobId: Only the attempts of this job.\n@arg task: Only attempts of jobs of this task.\n@arg outcome: Only attempts that ended so.\n@arg since: Only attempts that finished at or after this time.\nAdmins: the job history, newest first, filtered by job, task, outcome and time.';

create type app_public.job_count as (task text, state app_public.job_state, count integer);
comment on type app_public.job_count is 'How many jobs of a task are in a state.';
comment on column app_public.job_count.task is E'@notNull\nThe task.';
comment on column app_public.job_count.state is E'@notNull\nThe state.';
comment on column app_public.job_count.count is E'@notNull\nHow many of its jobs are in that state.';

create function app_public.job_counts() returns setof app_public.job_count
  language plpgsql stable security definer
  set search_path = pg_catalog
as $$
begin
  perform app_hidden.require_admin();
  return query
    select s.task, s.state, count(*)::int from app_private.job_states s
    group by s.task, s.state order by s.task, s.state;
end;
$$;
comment on function app_public.job_counts() is 'Admins: the queue by task and state.';

create type app_public.queue_summary as (
  oldest_due_job_id bigint,
  oldest_due_task text,
  oldest_due_run_at timestamptz,
  oldest_due_lateness_seconds double precision,
  succeeded_last_hour integer,
  failed_last_hour integer,
  per_minute_last_hour double precision,
  overdue_sweep text,
  overdue_sweep_seconds double precision
);
comment on type app_public.queue_summary is
  'The oldest overdue job and the most overdue sweep; throughput and failures (errors, permanent failures, crashes) over the last hour.';
comment on column app_public.queue_summary.oldest_due_job_id is 'The job that has waited longest past its run_at; null when none is due.';
comment on column app_public.queue_summary.oldest_due_task is 'Its task.';
comment on column app_public.queue_summary.oldest_due_run_at is 'Its run_at.';
comment on column app_public.queue_summary.oldest_due_lateness_seconds is 'How long it has waited past its run_at, in seconds.';
comment on column app_public.queue_summary.succeeded_last_hour is E'@notNull\nJobs that succeeded over the last hour.';
comment on column app_public.queue_summary.failed_last_hour is E'@notNull\nAttempts that failed over the last hour.';
comment on column app_public.queue_summary.per_minute_last_hour is E'@notNull\nSucceeded jobs per minute over the last hour.';
comment on column app_public.queue_summary.overdue_sweep is
  'The crontab sweep that has waited longest past its schedule (null when none is a minute or more overdue).';
comment on column app_public.queue_summary.overdue_sweep_seconds is
  'How long that sweep has been overdue, even when its job key folded the ticks into one job.';

create function app_public.queue_summary() returns app_public.queue_summary
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
comment on function app_public.queue_summary() is E'Admins: the oldest overdue job, the most overdue sweep, throughput and failures over the last hour.';

create type app_public.job_throughput as (bucket_start timestamptz, succeeded integer, failed integer);
comment on type app_public.job_throughput is 'Jobs finished in one time bucket.';
comment on column app_public.job_throughput.bucket_start is E'@notNull\nWhere the bucket starts.';
comment on column app_public.job_throughput.succeeded is E'@notNull\nJobs that succeeded in the bucket.';
comment on column app_public.job_throughput.failed is E'@notNull\nAttempts that failed in the bucket (errors, permanent failures, crashes).';

create function app_public.job_throughput(minutes integer default 60, bucket_minutes integer default 5)
  returns setof app_public.job_throughput
  language plpgsql stable security definer
  set search_path = pg_catalog
as $$
begin
  perform app_hidden.require_admin();
  return query
    select b.bucket_start,
           count(h.id) filter (where h.outcome = 'success')::int,
           count(h.id) filter (where h.outcome in ('error', 'failed', 'crashed'))::int
    from generate_series(
      date_bin(make_interval(mins => greatest(bucket_minutes, 1)), now() - make_interval(mins => least(greatest(minutes, 1), 10080)), 'epoch'),
      now(),
      make_interval(mins => greatest(bucket_minutes, 1))
    ) b(bucket_start)
    left join app_private.job_history h
      on h.finished_at >= b.bucket_start and h.finished_at < b.bucket_start + make_interval(mins => greatest(bucket_minutes, 1))
    group by b.bucket_start
    order by b.bucket_start;
end;
$$;
comment on function app_public.job_throughput(integer, integer) is E'@arg minutes: How far back to look (default 60, at most a week).\n@arg bucketMinutes: The width of a bucket in minutes (default 5).\nAdmins: jobs succeeded and failed per bucket over the last `minutes` (at most a week), for a chart.';

-- Mutations. Each returns the job as it is afterwards (null when it no longer exists).

create function app_private.job_action_allowed(change text, state app_public.job_state) returns boolean
  language sql immutable
  set search_path = pg_catalog
as $$
  select case change
    when 'retried' then state in ('failed', 'retrying')
    when 'cancelled' then state <> 'running'
    when 'rescheduled' then state <> 'running'
    else false
  end
$$;
comment on function app_private.job_action_allowed(text, app_public.job_state) is
  'Whether an admin may change a job in this state so (retried, cancelled, rescheduled): retry a failed or retrying job, cancel or move one that is not running.';

-- The job an admin acts on, locked; `change` (retried, cancelled, rescheduled), when given, is
-- refused unless the job's state allows it (app_private.job_action_allowed).
create function app_private.admin_job_for_update(id bigint, change text default null) returns app_private.job_states
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_job app_private.job_states;
begin
  perform 1 from graphile_worker._private_jobs j where j.id = admin_job_for_update.id for update;
  select s.* into v_job from app_private.job_states s where s.id = admin_job_for_update.id;
  if not found then
    raise exception 'job % not found (finished jobs are in jobRuns)', admin_job_for_update.id using errcode = 'NTFND';
  end if;
  if change is not null and not app_private.job_action_allowed(change, v_job.state) then
    raise exception 'job % is %; it cannot be % now', v_job.id, v_job.state, change using errcode = 'ILLTR';
  end if;
  return v_job;
end;
$$;

-- graphile_worker.reschedule_jobs sends no NOTIFY, so a job an admin retried "now" (or moved to
-- another time) would wait for a worker's next poll, up to WORKER_POLL_INTERVAL (10 s), or for
-- the wake-up timer's next refresh (30 s). retry_job and reschedule_job move the job here, which
-- sends graphile-worker's own jobs:insert notification, as add_job does: every listening worker
-- fetches what is due straight away (due later, its wake-up timer looks up the new run_at).
-- Null arguments keep what the job has. Returns the job as it is now.
create function app_private.reschedule_admin_job(
  id bigint, run_at timestamptz, attempts integer default null, max_attempts integer default null
) returns app_public.job
  language plpgsql volatile
  set search_path = pg_catalog
as $$
begin
  perform graphile_worker.reschedule_jobs(array[reschedule_admin_job.id], run_at := reschedule_admin_job.run_at,
    attempts := reschedule_admin_job.attempts, max_attempts := reschedule_admin_job.max_attempts);
  perform pg_notify('jobs:insert', json_build_object('r', random(), 'count', 1)::text);
  return (select app_private.to_job(s) from app_private.job_states s where s.id = reschedule_admin_job.id);
end;
$$;

create function app_public.retry_job(id bigint) returns app_public.job
  language plpgsql volatile security definer
  set search_path = pg_catalog
as $$
declare
  v_me app_public.users := app_hidden.require_admin();
  v_job app_private.job_states := app_private.admin_job_for_update(retry_job.id, 'retried');
begin
  -- A notification that gave up is pending again, with fresh attempts.
  if v_job.task = 'send_notification' then
    update app_public.notifications n set state = 'pending', attempts = 0, last_error = null
    where n.id = (v_job.payload->>'notificationId')::uuid and n.state = 'failed';
  end if;
  return app_private.reschedule_admin_job(v_job.id, now(), 0, greatest(v_job.max_attempts, 1));
end;
$$;
comment on function app_public.retry_job(bigint) is E'@arg id: The failed or retrying job.\n@resultFieldName job\n@notNull\nAdmins: run a failed (or retrying) job again now, with its attempts reset.';

create function app_public.cancel_job(id bigint) returns app_public.job
  language plpgsql volatile security definer
  set search_path = pg_catalog
as $$
declare
  v_me app_public.users := app_hidden.require_admin();
  v_job app_private.job_states := app_private.admin_job_for_update(cancel_job.id, 'cancelled');
begin
  if v_job.task = 'send_notification' then
    update app_public.notifications n set state = 'cancelled'
    where n.id = (v_job.payload->>'notificationId')::uuid and n.state = 'pending';
  end if;
  insert into app_private.job_history (job_id, task, job_key, attempt, run_at, finished_at, outcome, error, payload)
  values (v_job.id, v_job.task, v_job.key, v_job.attempts, v_job.run_at, now(), 'cancelled', 'cancelled by admin ' || v_me.id, v_job.payload);
  perform graphile_worker.complete_jobs(array[v_job.id]);
  return app_private.to_job(v_job);
end;
$$;
comment on function app_public.cancel_job(bigint) is E'@arg id: The job to remove.\n@resultFieldName job\n@notNull\nAdmins: remove a job that is not running. A booking timer''s move is then left to the sweeps; a notification is cancelled.';

create function app_public.reschedule_job(id bigint, run_at timestamptz) returns app_public.job
  language plpgsql volatile security definer
  set search_path = pg_catalog
as $$
declare
  v_me app_public.users := app_hidden.require_admin();
  v_job app_private.job_states := app_private.admin_job_for_update(reschedule_job.id, 'rescheduled');
begin
  if reschedule_job.run_at is null or not isfinite(reschedule_job.run_at) then
    raise exception 'runAt must be a real time' using errcode = 'BADIN';
  end if;
  perform app_hidden.check_time('runAt', reschedule_job.run_at);
  return app_private.reschedule_admin_job(v_job.id, reschedule_job.run_at);
end;
$$;
comment on function app_public.reschedule_job(bigint, timestamptz) is E'@arg id: The job to move.\n@arg runAt: When it should run.\n@resultFieldName job\n@notNull\nAdmins: move a job to another time. A booking timer run early finds its booking not yet due and does nothing.';

-- The sweeps runSweep accepts, in the order the admin page offers them: the booking sweeps, one
-- per row of app_private.booking_deadlines (in the order of the states they move bookings to),
-- then the housekeeping ones. The one list of them in SQL (run_sweep, app_public.admin_vocabulary).
create function app_private.sweep_tasks() returns text[]
  language sql stable
  set search_path = pg_catalog
as $$
  select array(select d.sweep_task from app_private.booking_deadlines d order by d.to_state)
    || array['requeue_notifications', 'prune_job_history']
$$;
comment on function app_private.sweep_tasks() is
  'The crontab sweeps an admin may run now (runSweep), in the order the admin page offers them: one per booking deadline, then the housekeeping ones.';

create function app_public.run_sweep(task text) returns app_public.job
  language plpgsql volatile security definer
  set search_path = pg_catalog
as $$
declare
  v_me app_public.users := app_hidden.require_admin();
  v_id bigint;
begin
  if not run_sweep.task = any (app_private.sweep_tasks()) then
    raise exception 'no sweep named "%" (%)', run_sweep.task, array_to_string(app_private.sweep_tasks(), ', ')
      using errcode = 'BADIN';
  end if;
  select (graphile_worker.add_job(run_sweep.task, '{}'::json, run_at := now(), job_key := 'sweep:' || run_sweep.task)).id
    into v_id;
  return (select app_private.to_job(s) from app_private.job_states s where s.id = v_id);
end;
$$;
comment on function app_public.run_sweep(text) is E'@arg task: The sweep to run, one of `adminVocabulary.sweeps`.\n@resultFieldName job\n@notNull\nAdmins: run a sweep now.';

-- What the admin page offers as choices, asked of the SQL that defines each list rather than
-- spelled again in the page (which cannot rely on introspection: it may be off).
create type app_public.admin_vocabulary as (
  job_states app_public.job_state[],
  booking_states app_public.booking_state[],
  sweeps text[]
);
comment on type app_public.admin_vocabulary is 'The lists the admin page offers as choices.';
comment on column app_public.admin_vocabulary.job_states is E'@notNull\nEvery job state, in the order of a job''s life.';
comment on column app_public.admin_vocabulary.booking_states is
  E'@notNull\nEvery booking state: a booking''s life (requested, scheduled, active, ended), then the ways it stops early.';
comment on column app_public.admin_vocabulary.sweeps is E'@notNull\nThe sweeps `runSweep` accepts.';

create function app_public.admin_vocabulary() returns app_public.admin_vocabulary
  language sql stable security definer
  set search_path = pg_catalog
as $$
  select (enum_range(null::app_public.job_state), enum_range(null::app_public.booking_state),
    app_private.sweep_tasks())::app_public.admin_vocabulary
  from app_hidden.require_admin() -- admins only: DENYD for anyone else
$$;
comment on function app_public.admin_vocabulary() is
  'Admins: the job states, the booking states and the sweeps, in the order the admin page offers them, from the SQL that defines each.';

-- The admin page's pending jobs of a booking: the instant timer that will move it (the timer of
-- its state at its deadline), its reminders' deliveries, and any job a DBA keyed to it by hand
-- the way timers used to be keyed (booking:<id>:...).
create function app_public.bookings_timers(booking app_public.bookings) returns setof app_public.job
  language plpgsql stable security definer
  set search_path = pg_catalog
as $$
declare
  v_key text := (
    select app_private.timer_key(d.timer_task, app_private.deadline_instant(booking, d))
    from app_private.booking_deadlines d where d.from_state = booking.state
  );
begin
  perform app_hidden.require_admin();
  return query
    select (app_private.to_job(s)).*
    from app_private.job_states s
    where s.key = v_key
       or s.key like 'booking:' || booking.id || ':%'
       or s.key in (select app_private.notification_job_key(n.id) from app_public.notifications n where n.booking_id = booking.id)
    order by s.run_at, s.id;
end;
$$;
comment on function app_public.bookings_timers(app_public.bookings) is
  'Admins: the booking''s pending jobs: the timer that will move it (timer:<task>:<instant>, shared with every booking due at that instant), its reminders'' deliveries and jobs keyed booking:<id>:..., by run_at.';

grant execute on function app_public.jobs(text, app_public.job_state, timestamptz, timestamptz) to schoolbell_visitor;
grant execute on function app_public.job(bigint) to schoolbell_visitor;
grant execute on function app_public.job_runs(bigint, text, app_public.job_outcome, timestamptz) to schoolbell_visitor;
grant execute on function app_public.job_counts() to schoolbell_visitor;
grant execute on function app_public.queue_summary() to schoolbell_visitor;
grant execute on function app_public.job_throughput(integer, integer) to schoolbell_visitor;
grant execute on function app_public.retry_job(bigint) to schoolbell_visitor;
grant execute on function app_public.cancel_job(bigint) to schoolbell_visitor;
grant execute on function app_public.reschedule_job(bigint, timestamptz) to schoolbell_visitor;
grant execute on function app_public.run_sweep(text) to schoolbell_visitor;
grant execute on function app_public.admin_vocabulary() to schoolbell_visitor;
grant execute on function app_public.bookings_timers(app_public.bookings) to schoolbell_visitor;
