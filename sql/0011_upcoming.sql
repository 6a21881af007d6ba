-- What fires next (README, The admin API): the queued jobs due in a window, each with what it
-- will do in words a person reads. A DBA asks app_private.upcoming_jobs directly; the admins'
-- GraphQL query `upcoming` (src/http/upcoming.ts) adds what no job holds yet: the later
-- occurrences of runtime schedules and the crontab's ticks, computed in TypeScript.
--
-- Running jobs (locked) and jobs given up on (attempts = max_attempts) are not upcoming. A
-- booking timer (timer:<task>:<instant>, a timer_task of app_private.booking_deadlines) is one
-- item however many bookings it moves, with their count as they stand now, in words made from
-- its task's name (start_sessions_timer: "start 120 sessions").

-- How many bookings wait in a deadline's state for that instant: the count beside
-- app_private.bookings_at_deadline (sql/0006_timers.sql), planned with the deadline's partial
-- index the same way.
create function app_private.bookings_due_at(deadline app_private.booking_deadlines, instant timestamptz)
  returns integer
  language plpgsql stable
  set search_path = pg_catalog
as $$
declare
  v_count integer;
begin
  execute format('select count(*)::integer from app_public.bookings where state = %L and %I = $1',
    deadline.from_state, deadline.deadline_column)
    into v_count using instant;
  return v_count;
end;
$$;
comment on function app_private.bookings_due_at(app_private.booking_deadlines, timestamptz) is
  'How many bookings wait in the deadline''s state for that instant.';

-- What a schedule's occurrence does, in words: here and for the occurrences the service computes
-- (src/schedules/upcoming.ts reads it with the schedules).
create function app_private.schedule_what(schedule app_public.schedules) returns text
  language sql stable
as $$
  select 'run schedule ''' || schedule.name || ''' (' || schedule.kind || ')'
$$;
comment on function app_private.schedule_what(app_public.schedules) is
  'What an occurrence of the schedule does, in words: run schedule ''<name>'' (<kind>).';

create function app_private.upcoming_jobs(
  from_at timestamptz, until_at timestamptz, max_items integer, with_crontab boolean default true
)
  returns table (at timestamptz, kind text, task text, what text, count integer, key text)
  language sql stable
  set search_path = pg_catalog
as $$
  with due as (
    select j.run_at, t.identifier as task, coalesce(j.key, '') as key, j.payload
    from graphile_worker._private_jobs j
    join graphile_worker._private_tasks t on t.id = j.task_id
    where j.run_at >= from_at and j.run_at < until_at
      and j.locked_at is null and j.attempts < j.max_attempts
  ),
  timers as (
    select d.run_at, d.task, d.key,
      app_private.bookings_due_at(dl, (d.payload ->> 'at')::timestamptz) as count,
      -- start_sessions_timer: "start", "session(s)".
      split_part(d.task, '_', 1) as verb, regexp_replace(split_part(d.task, '_', 2), 's$', '') as noun
    from due d
    join app_private.booking_deadlines dl on dl.timer_task = d.task
    where d.key like 'timer:%'
  ),
  described as (
    select tm.run_at as at, 'booking_timer' as kind, tm.task,
      tm.verb || ' ' || tm.count || ' ' || tm.noun || case when tm.count = 1 then '' else 's' end as what,
      tm.count, tm.key
    from timers tm
    union all
    select d.run_at, case when x.booking_id is null then 'notification' else 'reminder' end, d.task,
      case when x.booking_id is null then 'send ' || u.name || ' (' || x.channel || ') a message'
        else 'remind ' || u.name || ' (' || x.channel || ') of the session at '
          || to_char(b.starts_at at time zone u.time_zone, 'YYYY-MM-DD HH24:MI') || ' ' || u.time_zone end,
      1, d.key
    from due d
    join app_public.notifications x on app_private.notification_job_key(x.id) = d.key
    join app_public.users u on u.id = x.recipient_id
    left join app_public.bookings b on b.id = x.booking_id
    where d.task = 'send_notification'
    union all
    select d.run_at, 'schedule', d.task, app_private.schedule_what(s), 1, d.key
    from due d
    join app_public.schedules s on app_private.schedule_job_key(s.id) = d.key
    where d.task = 'run_schedule'
    union all
    select d.run_at, case when d.key like 'sweep:%' then 'crontab' else 'job' end, d.task, 'run ' || d.task, 1, d.key
    from due d
    where not exists (select 1 from timers tm where tm.key = d.key)
      and d.task not in ('send_notification', 'run_schedule')
  )
  select at, kind, task, what, count, nullif(key, '') from described
  where with_crontab or kind <> 'crontab'
  order by at, kind, key limit greatest(max_items, 0)
$$;
comment on function app_private.upcoming_jobs(timestamptz, timestamptz, integer, boolean) is
  'The queued jobs due from from_at (included) to until_at (excluded), in time order (the queued sweeps only with_crontab), at most max_items: when, kind (booking_timer, reminder, notification, schedule, crontab, job), task, what it will do, how many bookings or messages, job key.';
