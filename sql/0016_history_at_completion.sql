-- A job's run enters app_private.job_history in the transaction that completes it, so that a
-- worker killed at any moment (SIGKILL, the machine lost) cannot have done a job's work and
-- lost its history: either graphile-worker's completion committed, and the row with it, or the
-- job is still locked by the dead worker, and its recovery writes it as crashed
-- (recover_dead_workers, sql/0007_workers.sql) before it runs again.
--
-- Two triggers on graphile-worker's jobs table write the rows:
--   * a locked job deleted is a success (graphile-worker deletes a job that succeeded; a job
--     nobody holds, removed by remove_job or an admin's cancel, is not a run, nor is one whose
--     lock expired, older than graphile-worker's four hours, that complete_jobs removes). A
--     statement trigger: one insert per batch graphile-worker completes;
--   * a locked job released with a later run_at and an error is a failed attempt: retried
--     ('error') while attempts are left, else 'failed'. force_unlock_workers and a local
--     queue's returned jobs release a job without moving its run_at, and graphile-worker's
--     release of locks older than four hours may move it but is no run: none writes anything. A
--     row trigger whose WHEN filters in C, because graphile-worker updates its jobs table on
--     every fetch and failures are few.
-- A run is known by its job, its worker and when that worker took it (job_history.taken_at,
-- graphile-worker's locked_at), not by its attempt number or key: add_job and remove_job on a running job's key
-- set its attempts to max_attempts and its key to null, and an admin's retry resets attempts.
--
-- What only the worker knows follows within FLUSH_MS, in its report (src/worker/history.ts,
-- report_job_runs below): when the attempt started (until then started_at is taken_at and
-- duration_ms is null), how it ended as the task saw it, the attempt number and key it ran
-- with, and whether a crontab tick found nothing to do (its row is removed). The report also
-- writes a run whose completion came after its lock was taken away (a worker declared dead
-- while it was cut off from the database), which the triggers cannot see as a run.
--
-- Replaces app_private.tg_job_history__notify (sql/0015_admin_streams.sql): a run is announced
-- on schoolbell:jobs when the worker has reported it, complete, rather than when the triggers
-- wrote it; a run whose worker died before reporting it is in the history but not announced.
--
-- graphile-worker's tables are its own: a graphile-worker upgrade that renames them, or
-- completes jobs another way, must keep these triggers working (test/history.test.ts).

create function app_private.tg_private_jobs__history_success() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog
as $$
begin
  insert into app_private.job_history
    (job_id, task, job_key, attempt, run_at, started_at, taken_at, finished_at, outcome, worker_id, payload)
  select o.id, t.identifier, o.key, o.attempts, o.run_at, o.locked_at, o.locked_at, clock_timestamp(),
         'success', o.locked_by, o.payload
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
    (job_id, task, job_key, attempt, run_at, started_at, taken_at, finished_at, outcome, error, worker_id, payload)
  select old.id, t.identifier, old.key, old.attempts, old.run_at, old.locked_at, old.locked_at, clock_timestamp(),
         case when new.attempts >= new.max_attempts then 'failed' else 'error' end::app_public.job_outcome,
         new.last_error, old.locked_by, old.payload
    from graphile_worker._private_tasks t
   where t.id = old.task_id;
  return null;
end;
$$;
comment on function app_private.tg_private_jobs__history_failure() is
  'Writes the history of an attempt a worker failed (released with a later run_at and an error), in the failing transaction.';

create trigger _900_history_failure after update on graphile_worker._private_jobs
  for each row
  when (old.locked_by is not null and new.locked_by is null
        and new.run_at > old.run_at and new.last_error is not null
        and old.locked_at > now() - interval '4 hours')
  execute function app_private.tg_private_jobs__history_failure();

-- Announces job history ids on schoolbell:jobs, 500 a notification (a NOTIFY payload holds at
-- most 8000 bytes).
create function app_private.announce_job_history(ids bigint[]) returns void
  language plpgsql volatile
  set search_path = pg_catalog
as $$
begin
  perform pg_notify(app_private.subscription_topic('jobs'), json_build_object('ids', c.ids)::text)
  from (
    select array_agg(w.id order by w.id) as ids
    from (select i.id, (row_number() over (order by i.id) - 1) / 500 as chunk
            from unnest(announce_job_history.ids) as i(id)) w
    group by w.chunk
  ) c;
end;
$$;
comment on function app_private.announce_job_history(bigint[]) is
  'Announces job history ids on schoolbell:jobs, up to 500 per notification.';

create or replace function app_private.tg_job_history__notify() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog
as $$
begin
  -- A run the triggers above wrote waits for its worker's report (report_job_runs).
  perform app_private.announce_job_history(array(
    select w.id from written w
     where not (w.taken_at is not null and w.duration_ms is null
                and w.outcome in ('success', 'error', 'failed'))));
  return null;
end;
$$;
comment on function app_private.tg_job_history__notify() is
  'Announces the ids of the job history rows a statement wrote on schoolbell:jobs, but for runs still waiting for their worker''s report.';

-- The worker's report of its runs (src/worker/history.ts), applied in one statement: for each
-- run the triggers wrote (the same job, worker and taken_at), sets what the worker knows and
-- announces it, or removes it if it was a crontab tick that found nothing; writes a run the
-- triggers did not (its lock was taken away before it completed). Returns the positions (from
-- 1) of the reports whose job the worker still holds: the completion has not committed yet,
-- and the worker sends them again.
create function app_private.report_job_runs(reports json)
  returns table (report integer)
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_refined bigint[];
  v_held integer[];
begin
  with v as (
    select e.n::integer as n, r.*
      from json_array_elements(reports) with ordinality as e(report, n),
           json_to_record(e.report) as r(
             job_id bigint, task text, job_key text, attempt integer, run_at timestamptz,
             taken_at timestamptz, started_at timestamptz, finished_at timestamptz,
             duration_ms double precision, outcome app_public.job_outcome, error text,
             worker_id text, payload json, idle boolean)
  ), matched as (
    -- The worker's clock has milliseconds, the database's microseconds.
    select v.*, h.id as history_id
      from v join app_private.job_history h
        on h.job_id = v.job_id and h.worker_id = v.worker_id
       and h.taken_at >= v.taken_at - interval '1 millisecond'
       and h.taken_at < v.taken_at + interval '1 millisecond'
       and h.outcome in ('success', 'error', 'failed')
  ), unmatched as (
    select v.* from v where not exists (select 1 from matched m where m.n = v.n)
  ), held as (
    select u.n from unmatched u
     where exists (select 1 from graphile_worker._private_jobs j
                    where j.id = u.job_id and j.locked_by = u.worker_id
                      and j.locked_at >= u.taken_at - interval '1 millisecond'
                      and j.locked_at < u.taken_at + interval '1 millisecond')
  ), refined as (
    update app_private.job_history h
       set started_at = m.started_at, duration_ms = m.duration_ms, attempt = m.attempt,
           job_key = m.job_key, outcome = m.outcome, error = m.error
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
      (job_id, task, job_key, attempt, run_at, taken_at, started_at, finished_at, duration_ms,
       outcome, error, worker_id, payload)
    select u.job_id, u.task, u.job_key, u.attempt, u.run_at, u.taken_at, u.started_at,
           u.finished_at, u.duration_ms, u.outcome, u.error, u.worker_id, u.payload
      from unmatched u
     where not u.idle and not exists (select 1 from held k where k.n = u.n)
    returning 1
  )
  -- dropped and written run although nothing reads them (PostgreSQL runs every data-modifying
  -- WITH to completion).
  select array(select r.id from refined r), array(select k.n from held k order by k.n)
    into v_refined, v_held;
  perform app_private.announce_job_history(v_refined);
  return query select unnest(v_held);
end;
$$;
comment on function app_private.report_job_runs(json) is
  'Applies a worker''s report of its runs to the history; returns the positions of the reports whose completion has not committed yet.';
