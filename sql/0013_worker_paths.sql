-- The worker's periodic paths, made cheaper for an idle replica: the heartbeat and the
-- recovery of dead workers' jobs become one call (one commit per beat instead of two).
-- app_private.worker_heartbeat and app_private.recover_dead_workers (sql/0006_workers.sql)
-- stay as they are; this only calls them in turn.

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
