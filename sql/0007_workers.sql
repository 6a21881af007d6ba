-- Workers: registration and heartbeats, crash recovery, the job history and the crontab as the
-- running code has it.
--
-- Crash recovery. graphile-worker leaves a crashed worker's jobs locked for four hours. Each
-- schoolbell worker registers its graphile-worker pool here and heartbeats; survivors unlock
-- the jobs of a worker silent for longer than WORKER_DEAD_AFTER, so they run again within
-- about that long.
--
-- History. graphile-worker deletes a job when it succeeds; app_private.job_history keeps every
-- outcome (written by the workers, in batches) until the prune_job_history task removes rows
-- older than JOB_HISTORY_RETENTION.

create table app_private.workers (
  id text primary key,
  hostname text not null,
  pid integer not null,
  started_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);
comment on table app_private.workers is
  'Live worker pools (id = graphile_worker locked_by) and their last heartbeat.';
comment on column app_private.workers.id is 'The graphile-worker pool id, as in graphile_worker.jobs.locked_by.';
comment on column app_private.workers.last_seen_at is 'The last heartbeat.';
alter table app_private.workers enable row level security;

create function app_private.worker_heartbeat(id text, hostname text, pid integer) returns void
  language sql volatile
  set search_path = pg_catalog
as $$
  insert into app_private.workers as w (id, hostname, pid) values (id, hostname, pid)
  on conflict on constraint workers_pkey do update set last_seen_at = now();
$$;
comment on function app_private.worker_heartbeat(text, text, integer) is 'Registers a worker pool or records that it is alive.';

create function app_private.worker_stopped(id text) returns void
  language sql volatile
  set search_path = pg_catalog
as $$
  delete from app_private.workers w where w.id = worker_stopped.id;
$$;
comment on function app_private.worker_stopped(text) is 'Forgets a worker pool that stopped cleanly.';

create type app_public.job_outcome as enum ('success', 'error', 'failed', 'crashed', 'cancelled');
comment on type app_public.job_outcome is E'@value success: It ran and succeeded.\n@value error: It failed and will be retried.\n@value failed: It failed for good.\n@value crashed: Its worker died mid-run.\n@value cancelled: An admin removed it.\nsuccess; error: failed, will be retried; failed: failed for good; crashed: its worker died mid-run; cancelled: removed by an admin.';

create table app_private.job_history (
  id bigint generated always as identity primary key,
  job_id bigint not null,
  task text not null,
  job_key text,
  attempt integer not null,
  run_at timestamptz,
  started_at timestamptz,
  taken_at timestamptz,
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
comment on column app_private.job_history.taken_at is
  'When the worker took the job (graphile_worker locked_at); with job_id and worker_id, which run this is.';

-- Unlocks the jobs (and queues) of every worker silent for longer than dead_after, and of
-- lockers that never registered (older versions, other tools) once their lock is that old;
-- writes their interrupted jobs into the history as crashed; forgets the dead. Returns the ids
-- it unlocked and how many jobs each held.
create function app_private.recover_dead_workers(dead_after interval)
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
  -- Their jobs are held until this commits, so that a run a worker thought dead (only cut off)
  -- completed meanwhile is not also written as crashed: its completion either committed
  -- before (the job is gone) or waits for this (the job is unlocked, the worker reports it).
  perform 1 from graphile_worker._private_jobs j where j.locked_by = any (v_dead) for update;
  insert into app_private.job_history (job_id, task, job_key, attempt, run_at, started_at, taken_at, finished_at, outcome, error, worker_id, payload)
  select j.id, t.identifier, j.key, j.attempts, j.run_at, j.locked_at, j.locked_at, now(), 'crashed',
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
comment on function app_private.recover_dead_workers(interval) is
  'Unlocks the jobs of workers whose heartbeat stopped longer than dead_after ago.';

-- The worker's periodic paths, made cheap for an idle replica: the heartbeat and the recovery
-- of dead workers' jobs in one call (one commit per beat instead of two).
create function app_private.worker_beat(id text, hostname text, pid integer, dead_after interval)
  returns table (worker_id text, jobs bigint)
  language plpgsql volatile
  set search_path = pg_catalog
as $$
begin
  perform app_private.worker_heartbeat(worker_beat.id, worker_beat.hostname, worker_beat.pid);
  return query select r.worker_id, r.jobs from app_private.recover_dead_workers(dead_after) r;
end;
$$;
comment on function app_private.worker_beat(text, text, integer, interval) is
  'Records that a worker pool is alive, then unlocks the jobs of workers silent for longer than dead_after; returns those.';

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

-- The crontab as the running code has it: what each sweep's schedule says it is owed
-- (app_private.sweep_status, sql/0008_operations.sql, measures how long each has really waited).
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
