-- Replaces app_public.retry_job (first defined in 0007_operations.sql) and
-- app_public.reschedule_job (last defined in 0011_access_hardening.sql).
--
-- graphile_worker.reschedule_jobs sends no NOTIFY, so a job an admin retried "now" (or moved to
-- another time) waited for a worker's next poll, up to WORKER_POLL_INTERVAL (10 s), or for the
-- wake-up timer's next refresh (30 s). Both now send graphile-worker's own jobs:insert
-- notification, as add_job does: every listening worker fetches what is due straight away, and
-- its wake-up timer looks up the next run_at.

create or replace function app_public.retry_job(id bigint) returns app_public.job
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
  perform pg_notify('jobs:insert', json_build_object('r', random(), 'count', 1)::text);
  return (select app_private.to_job(s) from app_private.job_states s where s.id = v_job.id);
end;
$$;

create or replace function app_public.reschedule_job(id bigint, run_at timestamptz) returns app_public.job
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
  if reschedule_job.run_at is null or not isfinite(reschedule_job.run_at) then
    raise exception 'runAt must be a real time' using errcode = 'BADIN';
  end if;
  perform app_hidden.check_time('runAt', reschedule_job.run_at);
  perform graphile_worker.reschedule_jobs(array[v_job.id], run_at := reschedule_job.run_at);
  -- Due now, the workers fetch it at once; due later, their wake-up timers look up the new time.
  perform pg_notify('jobs:insert', json_build_object('r', random(), 'count', 1)::text);
  return (select app_private.to_job(s) from app_private.job_states s where s.id = v_job.id);
end;
$$;
