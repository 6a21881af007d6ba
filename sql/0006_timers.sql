-- Timers and sweeps: the jobs that move bookings at their deadlines.
--
-- Every deadline of a booking (a request's expiry, a session's start, its end plus END_GRACE) is
-- a graphile-worker job, scheduled in the same transaction that gives the booking that deadline;
-- the same transaction schedules, moves or cancels its reminders (sql/0005_notifications.sql).
-- The crontab's sweeps (app_private.sweep_bookings) are the safety net for whatever has no live
-- job. Which deadlines there are, and which timer and sweep serve each, is
-- app_private.booking_deadlines (sql/0003_bookings.sql): everything here reads it.
--
-- A switch for the exact-time timers: app_private.settings 'booking_timers' = 'off' makes
-- booking changes schedule no jobs (a bulk import, a benchmark of what the timers cost). The
-- sweeps still move every booking, at their coarser pace. Turn it back on with 'on'; bookings
-- changed meanwhile get timers on their next change, and are swept until then.
--
-- Timers are set-wise: one job per transition and due instant, not one per booking, and job
-- changes computed once per statement, not once per row.
--
-- Sessions start on the hour: thousands of bookings share one deadline. A timer is the job
-- timer:<task>:<instant> (e.g. timer:start_sessions_timer:2026-11-24T09:00:00.000000Z); when it
-- fires it moves every booking of its transition whose deadline is that instant, in bounded
-- set-wise batches (app_private.fire_timer). Bookings that share an instant share the job (add_jobs is
-- an upsert by key). The instant job outlives a reschedule or cancel of one of its bookings if
-- others still wait for it; it is removed when the last one leaves, and a timer that finds
-- nothing to move does nothing.
--
-- The statement-level triggers see every changed row at once (transition tables) and make all
-- the job changes of the statement in a few statements: one add_jobs call for the new instants,
-- one upsert of the reminders and one add_jobs call for their deliveries, one update cancelling
-- reminders. A sweep batch of 500 bookings costs a handful of statements instead of 500 x 4.
--
-- Plans: graphile_worker.add_jobs (and remove_job) are plpgsql. Two of their plans grow with the
-- backlog of queued jobs:
--   * a connection caches their plans as generic plans from its sixth call, planned from the
--     statistics of the moment; on a database that does not autovacuum (this project's test and
--     CI Postgres) those say _private_jobs is empty forever, and the generic plan of add_jobs'
--     UPDATE (clear the key of running jobs with the same keys) scans the whole jobs table;
--   * planned afresh for a call with hundreds of specs, that same UPDATE still prefers a hash
--     join over a scan of the whole jobs table (13 ms at 80,000 queued jobs, growing with them)
--     to hundreds of probes of the key index (under 1 ms).
-- schoolbell calls them through app_private.add_jobs and app_private.remove_jobs, which set
-- plan_cache_mode = force_custom_plan and enable_seqscan = off for the call (a function's SET
-- applies to what it calls): every call is planned for the table as it is, and looks jobs up by
-- their key index. This changes nothing in graphile-worker's own functions, so its next migration
-- undoes nothing; nothing else pays for re-planning.
--
-- Only the service's own role runs these (triggers, the worker, security definer functions); the
-- request role executes none of them.

-- The worker asks for the next future job's run_at to wake exactly then; graphile-worker's own
-- indexes lead with priority, so give that question an index of its own.
create index schoolbell_jobs_next_run_idx on graphile_worker._private_jobs (run_at) where is_available;

-- graphile-worker's add_jobs and remove_job, planned afresh on every call, by key (see the top).
create function app_private.add_jobs(specs graphile_worker.job_spec[]) returns void
  language plpgsql volatile
  set search_path = pg_catalog
  set plan_cache_mode = force_custom_plan
  set enable_seqscan = off
as $$
begin
  if specs is not null and cardinality(specs) > 0 then
    perform graphile_worker.add_jobs(specs);
  end if;
end;
$$;
comment on function app_private.add_jobs(graphile_worker.job_spec[]) is
  'graphile_worker.add_jobs, planned for the jobs table as it is and looking jobs up by key.';

create function app_private.remove_jobs(keys text[]) returns void
  language plpgsql volatile
  set search_path = pg_catalog
  set plan_cache_mode = force_custom_plan
  set enable_seqscan = off
as $$
begin
  perform graphile_worker.remove_job(k) from unnest(keys) k;
end;
$$;
comment on function app_private.remove_jobs(text[]) is
  'graphile_worker.remove_job for each key, planned for the jobs table as it is and looking jobs up by key.';

-- Small pure helpers, in SQL without a SET clause so that Postgres inlines them into the
-- set-wise queries (a function call per row would cost more than the rest of a batch). The
-- built-ins they call are in pg_catalog, which is searched first whatever the search_path.

-- The canonical text of an instant in job keys and payloads: UTC, microseconds, whatever the
-- session's TimeZone, so that every transaction names the same instant the same way.
create function app_private.instant_text(at timestamptz) returns text
  language sql stable
as $$
  select pg_catalog.to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;
comment on function app_private.instant_text(timestamptz) is
  'An instant as the timers name it: ISO 8601 in UTC with microseconds.';

create function app_private.timer_key(task text, instant timestamptz) returns text
  language sql stable
as $$
  select 'timer:' || task || ':' || app_private.instant_text(instant)
$$;
comment on function app_private.timer_key(text, timestamptz) is
  'The job key of the timer of a task at an instant: timer:<task>:<instant>.';

-- The job that runs a task's timer at an instant, due grace after it (the deadline's grace).
create function app_private.timer_spec(task text, instant timestamptz, grace interval) returns graphile_worker.job_spec
  language sql stable
as $$
  select (task, pg_catalog.json_build_object('at', app_private.instant_text(instant)), null, instant + grace,
    10, app_private.timer_key(task, instant), null, null)::graphile_worker.job_spec
$$;
comment on function app_private.timer_spec(text, timestamptz, interval) is
  'The graphile-worker job spec of the timer of a task at an instant, due grace after it.';

-- The timers and sweeps of every deadline (app_private.booking_deadlines, sql/0003_bookings.sql)
-- are the same queries with the deadline's states and column filled in as literals
-- (format %L, %I), so that each is planned with its deadline's partial index, as a query written
-- out for one deadline would be: the two below.

-- Whether bookings still wait in a deadline's state for that instant.
create function app_private.bookings_at_deadline(deadline app_private.booking_deadlines, instant timestamptz)
  returns boolean
  language plpgsql stable
  set search_path = pg_catalog
as $$
declare
  v_waiting boolean;
begin
  execute format('select exists (select 1 from app_public.bookings where state = %L and %I = $1)',
    deadline.from_state, deadline.deadline_column)
    into v_waiting using instant;
  return v_waiting;
end;
$$;
comment on function app_private.bookings_at_deadline(app_private.booking_deadlines, timestamptz) is
  'Whether any booking still waits in the deadline''s state for that instant.';

-- The deadline a timer or sweep task serves.
create function app_private.booking_deadline_of(task text) returns app_private.booking_deadlines
  language plpgsql stable
  set search_path = pg_catalog
as $$
declare
  v_deadline app_private.booking_deadlines;
begin
  select d.* into v_deadline from app_private.booking_deadlines d where booking_deadline_of.task in (d.timer_task, d.sweep_task);
  if not found then
    raise exception 'no booking timer or sweep named "%"', booking_deadline_of.task using errcode = 'BADIN';
  end if;
  return v_deadline;
end;
$$;
comment on function app_private.booking_deadline_of(text) is
  'The row of app_private.booking_deadlines whose timer or sweep a task is; BADIN for any other task.';

-- Moves the bookings whose deadline has come, in one statement, as actor. With an instant,
-- those due at that instant (a timer): without wait, up to batch_size of them, skipping rows
-- others hold; with wait, all of them, waiting for the rows others hold. Without an instant, up
-- to batch_size overdue ones, earliest first, skipping rows others hold (a sweep). Returns how
-- many it moved.
create function app_private.move_due_bookings(
  deadline app_private.booking_deadlines, instant timestamptz, batch_size integer, wait boolean, actor text
) returns integer
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_moved integer;
begin
  perform app_private.set_actor(actor);
  execute format(
    'update app_public.bookings b set state = %L where b.id in ('
      'select id from app_public.bookings where state = %L and %s <= now()%s %s)',
    deadline.to_state,
    deadline.from_state,
    -- A deadline without grace is the column itself: the sweep's condition reads the index.
    format(case when deadline.grace_setting is null then '%I' else '%I + $3' end, deadline.deadline_column),
    case when instant is not null then format(' and %I = $1', deadline.deadline_column) else '' end,
    case
      when instant is null then format('order by %I limit $2 for update skip locked', deadline.deadline_column)
      when wait then 'order by id for update'
      else 'limit $2 for update skip locked'
    end
  ) using instant, batch_size, app_private.deadline_grace(deadline);
  get diagnostics v_moved = row_count;
  perform app_private.set_actor(null);
  return v_moved;
end;
$$;
comment on function app_private.move_due_bookings(app_private.booking_deadlines, timestamptz, integer, boolean, text) is
  'Moves the bookings whose deadline has come, at one instant (a timer) or any (a sweep), in one statement.';

-- The job changes of a set of booking changes (after is the new version of each changed row,
-- before the old one, absent for an insert), all at once.
create function app_private.sync_timers(after app_public.bookings[], before app_public.bookings[]) returns void
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_channel app_public.notification_channel :=
    (select value::app_public.notification_channel from app_private.settings where name = 'reminder_channel');
  v_leads interval[] := array(
    select distinct btrim(part)::interval
    from unnest(string_to_array((select value from app_private.settings where name = 'reminder_leads'), ',')) part
    where btrim(part) <> ''
  );
  v_timer record;
  v_specs graphile_worker.job_spec[];
  v_gone text[];
begin
  -- 1. Timers no booking waits for any more: the last request at an instant answered, the last
  -- session at an instant cancelled or rescheduled. The timer's own move (and a sweep's) leaves
  -- the job alone: it is running, or finds nothing when it runs. Lock the job before looking for
  -- bookings still waiting, so that a transaction adding a booking at the same instant either
  -- committed before (and is seen) or re-creates the job after.
  for v_timer in
    select app_private.timer_key(d.timer_task, t.instant) as key, d as deadline, t.instant
    from (
      select distinct o.state, app_private.deadline_instant(o, d) as instant
      from unnest(before) o
      join unnest(after) n on n.id = o.id
      join app_private.booking_deadlines d on d.from_state = o.state
      where n.state <> d.to_state
        and (n.state <> o.state or app_private.deadline_instant(n, d) <> app_private.deadline_instant(o, d))
    ) t
    join app_private.booking_deadlines d on d.from_state = t.state
    order by 1
  loop
    perform 1 from graphile_worker._private_jobs j where j.key = v_timer.key and j.locked_at is null for update;
    continue when not found;
    continue when app_private.bookings_at_deadline(v_timer.deadline, v_timer.instant);
    perform app_private.remove_jobs(array[v_timer.key]);
  end loop;

  -- 2. Timers for the new deadlines: one job per task and instant, in key order (two statements
  -- adding the same instants lock them in the same order).
  select array_agg(app_private.timer_spec(d.timer_task, t.instant, app_private.deadline_grace(d))
      order by app_private.timer_key(d.timer_task, t.instant))
    into v_specs
  from (
    select distinct n.state, app_private.deadline_instant(n, d) as instant
    from unnest(after) n
    join app_private.booking_deadlines d on d.from_state = n.state
    left join unnest(before) o on o.id = n.id
    where o.id is null or o.state <> n.state
      or app_private.deadline_instant(o, d) <> app_private.deadline_instant(n, d)
  ) t
  join app_private.booking_deadlines d on d.from_state = t.state;
  perform app_private.add_jobs(v_specs);

  -- 3. Reminders of sessions newly scheduled or rescheduled: one per recipient and lead, due lead
  -- before the start. A lead already past is skipped, and its pending reminder cancelled; a
  -- reminder that was sent for the old time goes out again for the new one.
  with wanted as (
    select n.id as booking_id, r.recipient_id, l.lead, n.starts_at - l.lead as run_at
    from unnest(after) n
    left join unnest(before) o on o.id = n.id
    cross join unnest(v_leads) l(lead)
    cross join lateral (values (n.student_id), (n.tutor_id)) r(recipient_id)
    where n.state = 'scheduled' and (o.id is null or o.state <> 'scheduled' or o.starts_at <> n.starts_at)
  ),
  passed as (
    update app_public.notifications x set state = 'cancelled'
    from wanted w
    where w.run_at <= now() and x.booking_id = w.booking_id and x.recipient_id = w.recipient_id
      and x.lead = w.lead and x.state = 'pending'
    returning x.id
  ),
  upserted as (
    insert into app_public.notifications as x (recipient_id, booking_id, lead, channel, run_at)
    select w.recipient_id, w.booking_id, w.lead, v_channel, w.run_at from wanted w where w.run_at > now()
    on conflict (booking_id, recipient_id, lead) where booking_id is not null do update
      set run_at = excluded.run_at,
          state = 'pending',
          sent_at = null,
          attempts = 0,
          last_error = null
      where x.run_at is distinct from excluded.run_at
    returning x.id, x.run_at
  )
  select
    (select array_agg(app_private.notification_job_key(p.id)) from passed p),
    (select array_agg(app_private.notification_job_spec(u.id, u.run_at) order by u.id) from upserted u)
    into v_gone, v_specs;
  perform app_private.add_jobs(v_specs);
  if v_gone is not null then
    perform app_private.remove_jobs(v_gone);
  end if;

  -- 4. Sessions no longer scheduled (started, cancelled): their pending reminders are cancelled.
  with cancelled as (
    update app_public.notifications x set state = 'cancelled'
    from unnest(before) o
    join unnest(after) n on n.id = o.id
    where o.state = 'scheduled' and n.state <> 'scheduled'
      and x.booking_id = o.id and x.state = 'pending'
    returning x.id
  )
  select array_agg(app_private.notification_job_key(c.id)) into v_gone from cancelled c;
  if v_gone is not null then
    perform app_private.remove_jobs(v_gone);
  end if;
end;
$$;
comment on function app_private.sync_timers(app_public.bookings[], app_public.bookings[]) is
  'Makes the job changes of a set of booking changes at once: instant timers added and removed, reminders scheduled, moved and cancelled.';
-- The statement-level triggers: every row a statement changed, in one call. The switch
-- (booking_timers = off, see the top) turns it all off.
create function app_private.tg_bookings__timers_set() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_after app_public.bookings[];
  v_before app_public.bookings[];
begin
  if (select value from app_private.settings where name = 'booking_timers') = 'off' then
    return null;
  end if;
  if tg_op = 'INSERT' then
    select array_agg(n) into v_after from new_rows n;
  else
    select array_agg(n), array_agg(o) into v_after, v_before
    from new_rows n join old_rows o on o.id = n.id
    where n.state <> o.state or n.starts_at <> o.starts_at or n.ends_at <> o.ends_at or n.expires_at <> o.expires_at;
  end if;
  if v_after is not null then
    perform app_private.sync_timers(v_after, v_before);
  end if;
  return null;
end;
$$;

create trigger _900_timers_insert after insert on app_public.bookings
  referencing new table as new_rows
  for each statement execute function app_private.tg_bookings__timers_set();
create trigger _900_timers_update after update on app_public.bookings
  referencing old table as old_rows new table as new_rows
  for each statement execute function app_private.tg_bookings__timers_set();

-- What an instant timer does when it fires: move the bookings of its deadline (the row of
-- app_private.booking_deadlines whose timer_task it is) due at that instant whose deadline has
-- come. Without wait, one bounded batch that skips rows others hold (like a sweep); with wait,
-- every remaining one, waiting for the rows others hold and moving those still due after the
-- holder is done. Returns how many it moved, and whether bookings at this instant are still
-- waiting: held by others (without wait), or not yet due (with wait: the grace grew since the
-- timer was set; the timer is set again for their deadline).
create function app_private.fire_timer(
  task text,
  instant timestamptz,
  batch_size integer,
  wait boolean,
  out moved integer,
  out waiting boolean
)
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_deadline app_private.booking_deadlines := app_private.booking_deadline_of(task);
begin
  moved := app_private.move_due_bookings(v_deadline, instant, batch_size, wait, app_private.actor('job', task));
  waiting := app_private.bookings_at_deadline(v_deadline, instant);
  if wait and waiting then
    -- Still waiting after every due one moved: their deadline is later than this run. Set the
    -- timer again for it (the running job gives its key to the new one).
    perform app_private.add_jobs(array[
      app_private.timer_spec(v_deadline.timer_task, instant, app_private.deadline_grace(v_deadline))]);
  end if;
end;
$$;
comment on function app_private.fire_timer(text, timestamptz, integer, boolean) is
  'Runs an instant timer: moves the bookings of its deadline due at that instant, set-wise; idempotent.';

-- What an exact-time job does when it fires: move the booking if it is still in the state the
-- timer was set for and the deadline has come. A late, repeated or superseded timer finds the
-- booking moved on (or its deadline moved later) and does nothing. Audited as the job of task.
-- Returns what happened.
create function app_private.fire_booking_timer(booking_id uuid, to_state app_public.booking_state, task text)
  returns text
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_booking app_public.bookings;
  v_deadline app_private.booking_deadlines;
begin
  perform 1 from app_private.booking_deadlines d where d.to_state = fire_booking_timer.to_state;
  if not found then
    raise exception 'no timer moves a booking to %', to_state using errcode = 'BADIN';
  end if;
  select b.* into v_booking from app_public.bookings b where b.id = fire_booking_timer.booking_id for update;
  if not found then
    return 'gone';
  end if;
  select d.* into v_deadline from app_private.booking_deadlines d
  where d.from_state = v_booking.state and d.to_state = fire_booking_timer.to_state;
  if not found then
    return 'moved on';
  end if;
  if now() < app_private.deadline_instant(v_booking, v_deadline) + app_private.deadline_grace(v_deadline) then
    return 'not due';
  end if;
  perform app_private.transition_booking(v_booking.id, to_state, app_private.actor('job', task));
  return 'moved';
end;
$$;
comment on function app_private.fire_booking_timer(uuid, app_public.booking_state, text) is
  'Runs one exact-time transition if it is still due; idempotent.';

-- One bounded batch of a sweep (the row of app_private.booking_deadlines whose sweep_task it is):
-- moves up to batch_size overdue bookings in one statement, skipping rows other transactions
-- hold. Returns how many it moved; the caller repeats, one transaction per batch, until a batch
-- comes back short.
create function app_private.sweep_bookings(task text, batch_size integer)
  returns integer
  language sql volatile
  set search_path = pg_catalog
as $$
  select app_private.move_due_bookings(app_private.booking_deadline_of(task), null, batch_size, false,
    app_private.actor('sweep', task))
$$;
comment on function app_private.sweep_bookings(text, integer) is
  'One batch of a booking sweep: moves up to batch_size overdue bookings, skipping locked rows.';

-- A task whose payload can never parse fails at once instead of being retried 25 times.
-- graphile-worker 0.18 has no public call for failing the running job, so this sets its
-- max_attempts to the attempts it has made; the task then throws and the job is left failed
-- with its error.
create function app_private.give_up_job(job_id bigint) returns void
  language sql volatile
  set search_path = pg_catalog
as $$
  update graphile_worker._private_jobs set max_attempts = greatest(attempts, 1) where id = job_id;
$$;
comment on function app_private.give_up_job(bigint) is
  'Makes the running job''s coming failure permanent (no more retries).';
