-- What fires next (README, What fires next): the queued jobs due in a window, each with what it
-- will do in words a person reads. A DBA asks app_private.upcoming_jobs directly; the admins'
-- GraphQL query `upcoming` (src/http/upcoming.ts) adds what no job holds yet: the later
-- occurrences of runtime schedules and the crontab's ticks, computed in TypeScript.
--
-- Running jobs (locked) and jobs given up on (attempts = max_attempts) are not upcoming. A
-- booking timer (timer:<task>:<instant>) is one item however many bookings it moves, with their
-- count as they stand now.

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
    select d.run_at, d.task, d.key, (d.payload ->> 'at')::timestamptz as instant
    from due d where d.key like 'timer:%' and d.task in ('expire_booking', 'start_booking', 'end_booking')
  ),
  described as (
    select tm.run_at as at, 'booking_timer' as kind, tm.task,
      case tm.task when 'expire_booking' then 'expire ' when 'start_booking' then 'start ' else 'end ' end
        || n.count || case when tm.task = 'expire_booking' then ' request' else ' session' end
        || case when n.count = 1 then '' else 's' end as what,
      n.count, tm.key
    from timers tm
    cross join lateral (
      select count(*)::integer as count from app_public.bookings b
      where case tm.task
        when 'expire_booking' then b.state = 'requested' and b.expires_at = tm.instant
        when 'start_booking' then b.state = 'scheduled' and b.starts_at = tm.instant
        else b.state = 'active' and b.ends_at = tm.instant end
    ) n
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
    select d.run_at, 'schedule', d.task, 'run schedule ''' || s.name || ''' (' || s.kind || ')', 1, d.key
    from due d
    join app_public.schedules s on app_private.schedule_job_key(s.id) = d.key
    where d.task = 'run_schedule'
    union all
    select d.run_at, case when d.key like 'sweep:%' then 'crontab' else 'job' end, d.task,
      case when d.key like 'sweep:%' then 'sweep ' else 'run ' end || d.task, 1, d.key
    from due d
    where not (d.key like 'timer:%' and d.task in ('expire_booking', 'start_booking', 'end_booking'))
      and d.task not in ('send_notification', 'run_schedule')
  )
  select at, kind, task, what, count, nullif(key, '') from described
  where with_crontab or kind <> 'crontab'
  order by at, kind, key limit greatest(max_items, 0)
$$;
comment on function app_private.upcoming_jobs(timestamptz, timestamptz, integer, boolean) is
  'The queued jobs due from from_at (included) to until_at (excluded), in time order (the queued sweeps only with_crontab), at most max_items: when, kind (booking_timer, reminder, notification, schedule, crontab, job), task, what it will do, how many bookings or messages, job key.';
