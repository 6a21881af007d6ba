-- Crash recovery. graphile-worker leaves a crashed worker's jobs locked for four hours. Each
-- schoolbell worker registers its graphile-worker pool here and heartbeats; survivors unlock
-- the jobs of a worker silent for longer than WORKER_DEAD_AFTER, so they run again within
-- about that long.

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

-- Unlocks the jobs (and queues) of every worker silent for longer than dead_after, and of
-- lockers that never registered (older versions, other tools) once their lock is that old;
-- forgets the dead. Returns the ids it unlocked and how many jobs each held.
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
  return query
    select j.locked_by, count(*) from graphile_worker._private_jobs j
    where j.locked_by = any (v_dead) group by j.locked_by;
  perform graphile_worker.force_unlock_workers(v_dead);
  delete from app_private.workers w where w.id = any (v_dead);
end;
$$;
comment on function app_private.recover_dead_workers(interval) is
  'Unlocks the jobs of workers whose heartbeat stopped longer than dead_after ago.';
