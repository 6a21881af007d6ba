-- A job's run enters app_private.job_history in the transaction that completes it, so that a
-- worker killed at any moment (SIGKILL, the machine lost) cannot have done a job's work and
-- lost its history: either graphile-worker's completion committed, and the row with it, or the
-- job is still locked by the dead worker, and its recovery writes it as crashed
-- (recover_dead_workers, sql/0007_workers.sql) before it runs again.
--
-- Two statement triggers on graphile-worker's jobs table write the rows, set-wise (one insert,
-- and so one schoolbell:jobs notification, per batch graphile-worker completes):
--   * a locked job deleted is a success (graphile-worker deletes a job that succeeded; a job
--     nobody holds, removed by remove_job or an admin's cancel, is not a run, nor is one whose
--     lock expired, older than graphile-worker's four hours, that complete_jobs removes);
--   * a locked job released with a later run_at and an error is a failed attempt: retried
--     ('error') while attempts are left, else 'failed'. force_unlock_workers and a local
--     queue's returned jobs release a job without moving its run_at, so they write nothing.
-- What only the worker knows follows from it within FLUSH_MS (src/worker/history.ts): when
-- the attempt started (started_at is when the worker took the job until then, and duration_ms
-- null) and whether a crontab tick found nothing to do (its row is removed again). The worker
-- also writes a run whose completion came after its lock was taken away (a worker declared
-- dead while it was cut off from the database), which these triggers cannot see as a run.
--
-- graphile-worker's tables are its own: a graphile-worker upgrade that renames them, or
-- completes jobs another way, must keep these triggers working (test/history.test.ts).

create function app_private.tg_private_jobs__history_success() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog
as $$
begin
  insert into app_private.job_history
    (job_id, task, job_key, attempt, run_at, started_at, finished_at, outcome, worker_id, payload)
  select o.id, t.identifier, o.key, o.attempts, o.run_at, o.locked_at, clock_timestamp(), 'success',
         o.locked_by, o.payload
    from finished o
    join graphile_worker._private_tasks t on t.id = o.task_id
   where o.locked_by is not null and o.locked_at > now() - interval '4 hours'
   order by o.id;
  return null;
end;
$$;
comment on function app_private.tg_private_jobs__history_success() is
  'Writes the history of the jobs a worker completed (deleted while locked), in their completing transaction.';

create trigger _900_history after delete on graphile_worker._private_jobs
  referencing old table as finished
  for each statement execute function app_private.tg_private_jobs__history_success();

create function app_private.tg_private_jobs__history_failure() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog
as $$
begin
  insert into app_private.job_history
    (job_id, task, job_key, attempt, run_at, started_at, finished_at, outcome, error, worker_id, payload)
  select o.id, t.identifier, o.key, o.attempts, o.run_at, o.locked_at, clock_timestamp(),
         case when n.attempts >= n.max_attempts then 'failed' else 'error' end::app_public.job_outcome,
         n.last_error, o.locked_by, o.payload
    from before_update o
    join after_update n on n.id = o.id
    join graphile_worker._private_tasks t on t.id = o.task_id
   where o.locked_by is not null and n.locked_by is null
     and n.run_at > o.run_at and n.last_error is not null
   order by o.id;
  return null;
end;
$$;
comment on function app_private.tg_private_jobs__history_failure() is
  'Writes the history of the attempts a worker failed (released with a later run_at and an error), in the failing transaction.';

create trigger _900_history_failure after update on graphile_worker._private_jobs
  referencing old table as before_update new table as after_update
  for each statement execute function app_private.tg_private_jobs__history_failure();

-- The worker's report of its runs (src/worker/history.ts), applied in one statement: fills in
-- when each attempt started and how long it ran, removes the rows of crontab ticks that found
-- nothing, and writes a run the triggers did not (its lock was taken away before it completed).
-- Returns the reports whose job the worker still holds: its completion has not committed yet,
-- and the worker sends them again.
create function app_private.report_job_runs(reports json)
  returns table (job_id bigint, attempt integer)
  language sql volatile
  set search_path = pg_catalog
as $$
  with v as (
    select r.* from json_to_recordset(reports) as r(
      job_id bigint, task text, job_key text, attempt integer, run_at timestamptz,
      started_at timestamptz, finished_at timestamptz, duration_ms double precision,
      outcome app_public.job_outcome, error text, worker_id text, payload json, idle boolean)
  ), matched as (
    select v.job_id, v.attempt, h.id as history_id, v.idle, v.started_at, v.duration_ms
      from v join app_private.job_history h
        on h.job_id = v.job_id and h.attempt = v.attempt
       and case when v.outcome = 'success' then h.outcome = 'success'
                else h.outcome in ('error', 'failed') end
  ), held as (
    select v.job_id, v.attempt from v
     where not exists (select 1 from matched m where m.job_id = v.job_id and m.attempt = v.attempt)
       and exists (select 1 from graphile_worker._private_jobs j
                    where j.id = v.job_id and j.locked_by = v.worker_id and j.attempts = v.attempt)
  ), refined as (
    update app_private.job_history h
       set started_at = m.started_at, duration_ms = m.duration_ms
      from matched m
     where h.id = m.history_id and not m.idle
    returning h.id
  ), dropped as (
    delete from app_private.job_history h
     using matched m
     where h.id = m.history_id and m.idle
    returning h.id
  ), written as (
    insert into app_private.job_history
      (job_id, task, job_key, attempt, run_at, started_at, finished_at, duration_ms, outcome, error, worker_id, payload)
    select v.job_id, v.task, v.job_key, v.attempt, v.run_at, v.started_at, v.finished_at, v.duration_ms,
           v.outcome, v.error, v.worker_id, v.payload
      from v
     where not v.idle
       and not exists (select 1 from matched m where m.job_id = v.job_id and m.attempt = v.attempt)
       and not exists (select 1 from held k where k.job_id = v.job_id and k.attempt = v.attempt)
    returning 1
  )
  select k.job_id, k.attempt from held k;
$$;
comment on function app_private.report_job_runs(json) is
  'Applies a worker''s report of its runs to the history; returns the runs whose completion has not committed yet.';
