-- Operations: job history that outlives the jobs, views for DBAs, and the admin API.
--
-- graphile-worker deletes a job when it succeeds; app_private.job_history keeps every outcome
-- (written by the workers, in batches) until the prune_job_history task removes rows older
-- than JOB_HISTORY_RETENTION.

insert into app_private.settings (name, value) values
  ('job_history_retention', '14 days'),
  ('worker_dead_after', '1 minute');

create type app_public.job_state as enum ('scheduled', 'due', 'running', 'retrying', 'failed');
comment on type app_public.job_state is
  'scheduled: waits for its run_at; due: should be running and is not yet; running: a worker holds it; retrying: failed, will be tried again; failed: no attempts left.';

create type app_public.job_outcome as enum ('success', 'error', 'failed', 'crashed', 'cancelled');
comment on type app_public.job_outcome is
  'success; error: failed, will be retried; failed: failed for good; crashed: its worker died mid-run; cancelled: removed by an admin.';

create table app_private.job_history (
  id bigint generated always as identity primary key,
  job_id bigint not null,
  task text not null,
  job_key text,
  attempt integer not null,
  run_at timestamptz,
  started_at timestamptz,
  finished_at timestamptz not null,
  duration_ms double precision,
  outcome app_public.job_outcome not null,
  error text,
  worker_id text,
  payload json
);
create index job_history_job_idx on app_private.job_history (job_id, id);
create index job_history_finished_idx on app_private.job_history (finished_at);
create index job_history_task_idx on app_private.job_history (task, finished_at);
alter table app_private.job_history enable row level security;
comment on table app_private.job_history is
  'Every job outcome, kept after graphile-worker deletes the job; pruned after JOB_HISTORY_RETENTION.';
comment on column app_private.job_history.attempt is 'Which attempt of the job this was (1 for the first).';
comment on column app_private.job_history.run_at is 'When the job was due.';
comment on column app_private.job_history.worker_id is 'The worker pool that ran it (graphile_worker locked_by).';

-- The recovery of dead workers now also writes their interrupted jobs into the history.
create or replace function app_private.recover_dead_workers(dead_after interval)
  returns table (worker_id text, jobs bigint)
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_dead text[];
begin
  select array_agg(distinct d.id) into v_dead from (
    select w.id from app_private.workers w where w.last_seen_at < now() - dead_after
    union
    select j.locked_by from graphile_worker._private_jobs j
    where j.locked_by is not null and j.locked_at < now() - dead_after
      and not exists (select 1 from app_private.workers w where w.id = j.locked_by)
  ) d;
  if v_dead is null then
    return;
  end if;
  insert into app_private.job_history (job_id, task, job_key, attempt, run_at, started_at, finished_at, outcome, error, worker_id, payload)
  select j.id, t.identifier, j.key, j.attempts, j.run_at, j.locked_at, now(), 'crashed',
         format('worker %s stopped heartbeating', j.locked_by), j.locked_by, j.payload
  from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
  where j.locked_by = any (v_dead);
  return query
    select j.locked_by, count(*) from graphile_worker._private_jobs j
    where j.locked_by = any (v_dead) group by j.locked_by;
  perform graphile_worker.force_unlock_workers(v_dead);
  delete from app_private.workers w where w.id = any (v_dead);
end;
$$;

-- One batch of history pruning; the task repeats until a batch comes back short.
create function app_private.prune_job_history(batch_size integer) returns integer
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_deleted integer;
begin
  delete from app_private.job_history
  where id in (
    select id from app_private.job_history
    where finished_at < now() - app_private.setting_interval('job_history_retention')
    order by id limit batch_size
  );
  get diagnostics v_deleted = row_count;
  return v_deleted;
end;
$$;
comment on function app_private.prune_job_history(integer) is 'Deletes up to batch_size history rows older than the retention.';

-- Safety net for the outbox: a pending notification that is due and has no job (its job was
-- cancelled, or lost with a restored backup) gets one again.
create function app_private.requeue_notifications(batch_size integer) returns integer
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_count integer := 0;
  v_notification app_public.notifications;
begin
  for v_notification in
    select n.* from app_public.notifications n
    where n.state = 'pending' and n.run_at <= now()
      and not exists (select 1 from graphile_worker._private_jobs j where j.key = 'notification:' || n.id)
    order by n.run_at limit batch_size
    for update skip locked
  loop
    perform app_private.schedule_notification_job(v_notification);
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;
comment on function app_private.requeue_notifications(integer) is
  'Gives due pending notifications without a job a new send_notification job.';

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
  j.updated_at
from graphile_worker._private_jobs j
join graphile_worker._private_tasks t on t.id = j.task_id
left join graphile_worker._private_job_queues q on q.id = j.job_queue_id;
comment on view app_private.job_states is 'Every job with its state (scheduled, due, running, retrying, failed) and lateness.';

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
select id, task, key, state, attempts, max_attempts, last_error, run_at as next_attempt_at, updated_at, payload
from app_private.job_states
where state in ('retrying', 'failed')
order by updated_at desc;
comment on view app_private.jobs_failed is
  'Failed jobs: retrying (next_attempt_at) or permanently failed (no attempts left), with their errors.';

create view app_private.stale_locks as
select s.id, s.task, s.key, s.locked_by, s.locked_at, w.last_seen_at,
       coalesce(w.last_seen_at, s.locked_at) as silent_since
from app_private.job_states s
left join app_private.workers w on w.id = s.locked_by
where s.state = 'running'
  and coalesce(w.last_seen_at, s.locked_at) < now() - app_private.setting_interval('worker_dead_after');
comment on view app_private.stale_locks is
  'Locks held by workers that are gone (no heartbeat for WORKER_DEAD_AFTER); the survivors free them on their next beat.';

------------------------------------------------------------------------------------------------
-- The admin API (GraphQL): functions that check the caller is an admin.

create function app_hidden.require_admin() returns app_public.users
  language plpgsql stable security definer
  set search_path = pg_catalog
as $$
declare
  v_me app_public.users := app_hidden.require_user();
begin
  if v_me.role <> 'admin' then
    raise exception 'admins only' using errcode = 'DENYD';
  end if;
  return v_me;
end;
$$;
grant execute on function app_hidden.require_admin() to schoolbell_visitor;

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
  updated_at timestamptz
);
comment on type app_public.job is 'A graphile-worker job, for admins.';
comment on column app_public.job.lateness_seconds is 'How long a due job has waited past its run_at.';
comment on column app_public.job.locked_by is 'The worker running it.';

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

create function app_private.to_job(s app_private.job_states) returns app_public.job
  language sql immutable
  set search_path = pg_catalog
as $$
  select row(s.id, s.task, s.key, s.queue, s.state, s.run_at, extract(epoch from s.lateness)::float8, s.attempts,
             s.max_attempts, s.last_error, s.locked_by, s.locked_at, s.payload, s.created_at, s.updated_at)::app_public.job
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
comment on function app_public.jobs(text, app_public.job_state, timestamptz, timestamptz) is
  'Admins: jobs filtered by task, state and run_at window [since, until), by run_at.';

create function app_public.job(id bigint) returns app_public.job
  language plpgsql stable security definer
  set search_path = pg_catalog
as $$
begin
  perform app_hidden.require_admin();
  return (select app_private.to_job(s) from app_private.job_states s where s.id = job.id);
end;
$$;
comment on function app_public.job(bigint) is
  'Admins: one job, while graphile-worker still has it. Its attempts, which outlive it, are in jobRuns(jobId).';

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
comment on function app_public.job_runs(bigint, text, app_public.job_outcome, timestamptz) is
  'Admins: the job history, newest first, filtered by job, task, outcome and time.';

create type app_public.job_count as (task text, state app_public.job_state, count integer);
comment on type app_public.job_count is 'How many jobs of a task are in a state.';

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
  per_minute_last_hour double precision
);
comment on type app_public.queue_summary is
  'The oldest overdue job, and throughput and failures (errors, permanent failures, crashes) over the last hour.';

create function app_public.queue_summary() returns app_public.queue_summary
  language plpgsql stable security definer
  set search_path = pg_catalog
as $$
begin
  perform app_hidden.require_admin();
  return (
    select row(d.id, d.task, d.run_at, extract(epoch from d.lateness)::float8, h.succeeded, h.failed, h.succeeded / 60.0)::app_public.queue_summary
    from (select 1) one
    left join lateral (
      select s.id, s.task, s.run_at, s.lateness from app_private.job_states s where s.state = 'due' order by s.run_at limit 1
    ) d on true
    cross join lateral (
      select count(*) filter (where outcome = 'success')::int as succeeded,
             count(*) filter (where outcome in ('error', 'failed', 'crashed'))::int as failed
      from app_private.job_history where finished_at > now() - interval '1 hour'
    ) h
  );
end;
$$;
comment on function app_public.queue_summary() is 'Admins: the oldest overdue job, throughput and failures over the last hour.';

create type app_public.job_throughput as (bucket_start timestamptz, succeeded integer, failed integer);
comment on type app_public.job_throughput is 'Jobs finished in one time bucket.';

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
comment on function app_public.job_throughput(integer, integer) is
  'Admins: jobs succeeded and failed per bucket over the last `minutes` (at most a week), for a chart.';

-- Mutations. Each returns the job as it is afterwards (null when it no longer exists).

create function app_private.admin_job_for_update(id bigint) returns app_private.job_states
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
  return v_job;
end;
$$;

create function app_public.retry_job(id bigint) returns app_public.job
  language plpgsql volatile security definer
  set search_path = pg_catalog
as $$
declare
  v_me app_public.users := app_hidden.require_admin();
  v_job app_private.job_states := app_private.admin_job_for_update(retry_job.id);
begin
  if v_job.state not in ('failed', 'retrying') then
    raise exception 'job % is %, not failed: nothing to retry', v_job.id, v_job.state using errcode = 'ILLTR';
  end if;
  -- A notification that gave up is pending again, with fresh attempts.
  if v_job.task = 'send_notification' then
    update app_public.notifications n set state = 'pending', attempts = 0, last_error = null
    where n.id = (v_job.payload->>'notificationId')::uuid and n.state = 'failed';
  end if;
  perform graphile_worker.reschedule_jobs(array[v_job.id], run_at := now(), attempts := 0,
    max_attempts := greatest(v_job.max_attempts, 1));
  return (select app_private.to_job(s) from app_private.job_states s where s.id = v_job.id);
end;
$$;

create function app_public.cancel_job(id bigint) returns app_public.job
  language plpgsql volatile security definer
  set search_path = pg_catalog
as $$
declare
  v_me app_public.users := app_hidden.require_admin();
  v_job app_private.job_states := app_private.admin_job_for_update(cancel_job.id);
begin
  if v_job.state = 'running' then
    raise exception 'job % is running; it cannot be cancelled now', v_job.id using errcode = 'ILLTR';
  end if;
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
create function app_public.reschedule_job(id bigint, run_at timestamptz) returns app_public.job
  language plpgsql volatile security definer
  set search_path = pg_catalog
as $$
declare
  v_me app_public.users := app_hidden.require_admin();
  v_job app_private.job_states := app_private.admin_job_for_update(reschedule_job.id);
begin
  if v_job.state = 'running' then
    raise exception 'job % is running; it cannot be rescheduled now', v_job.id using errcode = 'ILLTR';
  end if;
  if not isfinite(reschedule_job.run_at) then
    raise exception 'runAt must be a real time' using errcode = 'BADIN';
  end if;
  perform graphile_worker.reschedule_jobs(array[v_job.id], run_at := reschedule_job.run_at);
  return (select app_private.to_job(s) from app_private.job_states s where s.id = v_job.id);
end;
$$;

create function app_public.run_sweep(task text) returns app_public.job
  language plpgsql volatile security definer
  set search_path = pg_catalog
as $$
declare
  v_me app_public.users := app_hidden.require_admin();
  v_id bigint;
begin
  if run_sweep.task not in ('expire_requests', 'start_sessions', 'end_sessions', 'requeue_notifications', 'prune_job_history') then
    raise exception 'no sweep named "%" (expire_requests, start_sessions, end_sessions, requeue_notifications, prune_job_history)',
      run_sweep.task using errcode = 'BADIN';
  end if;
  select (graphile_worker.add_job(run_sweep.task, '{}'::json, run_at := now(), job_key := 'sweep:' || run_sweep.task)).id
    into v_id;
  return (select app_private.to_job(s) from app_private.job_states s where s.id = v_id);
end;
$$;

comment on function app_public.retry_job(bigint) is E'@resultFieldName job\nAdmins: run a failed (or retrying) job again now, with its attempts reset.';
comment on function app_public.cancel_job(bigint) is E'@resultFieldName job\nAdmins: remove a job that is not running. A booking timer''s move is then left to the sweeps; a notification is cancelled.';
comment on function app_public.reschedule_job(bigint, timestamptz) is E'@resultFieldName job\nAdmins: move a job to another time. A booking timer run early finds its booking not yet due and does nothing.';
comment on function app_public.run_sweep(text) is E'@resultFieldName job\nAdmins: run a sweep now (expire_requests, start_sessions, end_sessions, requeue_notifications, prune_job_history).';

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
