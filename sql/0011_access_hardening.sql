-- Access hardening: what a caller may read, which functions it may call, and which inputs the
-- service accepts.
--
-- 1. Contact data (users.email, users.phone) is the user's own and admins'. Admins' ids stay
--    with admins: notifications.scheduled_by_id, and booking_events.actor when an admin acted,
--    read `admin` to everyone else. A notification's last_error (it can hold a gateway's URL and
--    answer) is for admins. The visitor role has no SELECT on those columns; it reads them
--    through app_hidden functions of the row's id that decide per caller (GraphQL does the same:
--    the columns' `@readThrough` tag, see src/masked-columns.ts).
-- 2. No security definer function trusts an identity its caller passes, and the visitor role
--    executes only the functions requests need (the list is test/privileges.test.ts).
-- 3. A student cannot hold two open requests with one tutor at overlapping times (DUPRQ).
-- 4. Times: a booking starts within BOOKING_HORIZON; every time the API takes, and every time
--    stored in bookings and notifications, lies between 1900 and 9999 (finite, inside JavaScript's
--    Date range and four-digit ISO 8601 years, which the admin page and the worker can handle).
--
-- New error code (the list at the top of 0002 predates it; all are in src/errors.ts):
--   DUPRQ  the student already has an open request with that tutor at an overlapping time
--
-- Replaces these functions:
--   app_public."current_user"()          first defined in 0002 (now security definer: the visitor
--                                         cannot select u.* any more)
--   app_hidden.visible_booking_for_update(uuid, users)   0004: dropped; it trusted the `me` its
--                                         caller passed. app_private.visible_booking_for_update(uuid)
--                                         finds the caller itself.
--   app_hidden.check_session_times       0004: dropped; app_private.check_session_times adds the
--                                         range and the horizon
--   app_public.request_booking, accept_booking, decline_booking, cancel_booking,
--     reschedule_booking, search_bookings                          first defined in 0004
--   app_public.schedule_notification                               first defined in 0005
--   app_public.jobs, job_runs, reschedule_job                      first defined in 0007

insert into app_private.settings (name, value) values ('booking_horizon', '365 days');

------------------------------------------------------------------------------------------------
-- Times the service can handle.

create function app_hidden.time_is_usable(t timestamptz) returns boolean
  language sql immutable
  set search_path = pg_catalog
as $$
  select t >= '1900-01-01 00:00:00+00'::timestamptz and t < '9999-01-01 00:00:00+00'::timestamptz
$$;
comment on function app_hidden.time_is_usable(timestamptz) is
  'Whether t lies in [1900-01-01, 9999-01-01) UTC: finite, and printable and readable by JavaScript and ISO 8601.';

create function app_hidden.check_time(what text, t timestamptz) returns void
  language plpgsql immutable
  set search_path = pg_catalog
as $$
begin
  if t is not null and not app_hidden.time_is_usable(t) then
    raise exception '% (%) must lie between 1900-01-01 and 9999-01-01', what, t using errcode = 'BADIN';
  end if;
end;
$$;
comment on function app_hidden.check_time(text, timestamptz) is
  'Raises BADIN naming the argument `what` when t is not null and not a usable time.';

-- Stored times too, whoever writes them (a DBA, an import): a value the service cannot read would
-- break the worker's wake-up timer and the admin page.
alter table app_public.bookings
  add constraint bookings_times_usable check (
    app_hidden.time_is_usable(starts_at) and app_hidden.time_is_usable(ends_at) and app_hidden.time_is_usable(expires_at)
  ) not valid;
alter table app_public.bookings validate constraint bookings_times_usable;
comment on constraint bookings_times_usable on app_public.bookings is
  'starts_at, ends_at and expires_at lie between 1900 and 9999.';

alter table app_public.notifications
  add constraint notifications_times_usable check (
    app_hidden.time_is_usable(run_at) and (sent_at is null or app_hidden.time_is_usable(sent_at))
  ) not valid;
alter table app_public.notifications validate constraint notifications_times_usable;
comment on constraint notifications_times_usable on app_public.notifications is
  'run_at and sent_at lie between 1900 and 9999.';

------------------------------------------------------------------------------------------------
-- Duplicate requests. Requests that already overlap are resolved first, oldest kept: each later
-- one overlapping a kept request is cancelled, and its audit trail says why.

do $$
declare
  v_booking app_public.bookings;
  v_kept uuid;
begin
  for v_booking in
    select b.* from app_public.bookings b where b.state = 'requested' order by b.created_at, b.id
  loop
    select k.id into v_kept from app_public.bookings k
    where k.state = 'requested' and k.student_id = v_booking.student_id and k.tutor_id = v_booking.tutor_id
      and k.id <> v_booking.id and (k.created_at, k.id) < (v_booking.created_at, v_booking.id)
      and tstzrange(k.starts_at, k.ends_at) && tstzrange(v_booking.starts_at, v_booking.ends_at)
    limit 1;
    if v_kept is not null then
      perform app_private.transition_booking(v_booking.id, 'cancelled', 'sql:0011_access_hardening',
        format('a duplicate of request %s, which overlaps it', v_kept));
    end if;
  end loop;
end
$$;

alter table app_public.bookings
  add constraint bookings_no_duplicate_request exclude using gist (
    student_id with =,
    tutor_id with =,
    tstzrange(starts_at, ends_at) with &&
  ) where (state = 'requested');
comment on constraint bookings_no_duplicate_request on app_public.bookings is
  'A student cannot hold two open requests with one tutor at overlapping times.';

------------------------------------------------------------------------------------------------
-- The booking API, deriving the caller itself everywhere.

drop function app_hidden.visible_booking_for_update(uuid, app_public.users);
drop function app_hidden.check_session_times(timestamptz, timestamptz);

-- The booking, locked for update, if the signed-in user may see it; NTFND otherwise, so that
-- nobody learns which ids exist. Called by the security definer mutations, never by requests.
create function app_private.visible_booking_for_update(booking_id uuid) returns app_public.bookings
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_me app_public.users := app_hidden.require_user();
  v_booking app_public.bookings;
begin
  select b.* into v_booking from app_public.bookings b where b.id = visible_booking_for_update.booking_id for update;
  if not found or (v_me.role <> 'admin' and v_me.id not in (v_booking.student_id, v_booking.tutor_id)) then
    raise exception 'booking % not found', visible_booking_for_update.booking_id using errcode = 'NTFND';
  end if;
  return v_booking;
end;
$$;
comment on function app_private.visible_booking_for_update(uuid) is
  'The booking, locked, if the signed-in user may see it; NTFND otherwise.';

create function app_private.check_session_times(starts_at timestamptz, ends_at timestamptz) returns void
  language plpgsql stable
  set search_path = pg_catalog
as $$
declare
  v_horizon interval := app_private.setting_interval('booking_horizon');
begin
  if not isfinite(starts_at) or not isfinite(ends_at) then
    raise exception 'startsAt and endsAt must be real times, not infinity' using errcode = 'BADIN';
  end if;
  perform app_hidden.check_time('startsAt', starts_at);
  perform app_hidden.check_time('endsAt', ends_at);
  if ends_at <= starts_at then
    raise exception 'endsAt (%) must be after startsAt (%)', ends_at, starts_at using errcode = 'BADIN';
  end if;
  if ends_at - starts_at > interval '24 hours' then
    raise exception 'a session lasts at most 24 hours (got %)', ends_at - starts_at using errcode = 'BADIN';
  end if;
  if starts_at <= now() then
    raise exception 'startsAt (%) must lie in the future', starts_at using errcode = 'BADIN';
  end if;
  if starts_at > now() + v_horizon then
    raise exception 'startsAt (%) is too far ahead: sessions start within BOOKING_HORIZON (%) from now', starts_at, v_horizon
      using errcode = 'BADIN';
  end if;
end;
$$;
comment on function app_private.check_session_times(timestamptz, timestamptz) is
  'Raises BADIN unless [starts_at, ends_at) is a real session: in order, at most a day, in the future, within BOOKING_HORIZON.';

-- Which error an exclusion violation on bookings is, from the constraint's name.
create function app_private.raise_booking_conflict(constraint_name text, starts_at timestamptz, ends_at timestamptz)
  returns void
  language plpgsql stable
  set search_path = pg_catalog
as $$
begin
  if constraint_name = 'bookings_no_duplicate_request' then
    raise exception 'you already have an open request with this tutor overlapping % – %', starts_at, ends_at
      using errcode = 'DUPRQ';
  end if;
  raise exception 'the tutor already has a session overlapping % – %', starts_at, ends_at using errcode = 'OVLAP';
end;
$$;
comment on function app_private.raise_booking_conflict(text, timestamptz, timestamptz) is
  'Raises DUPRQ or OVLAP for an exclusion violation on app_public.bookings, by constraint.';

create or replace function app_public.request_booking(
  tutor_id uuid,
  starts_at timestamptz,
  ends_at timestamptz,
  subject text
) returns app_public.bookings
  language plpgsql volatile security definer
  set search_path = pg_catalog
as $$
declare
  v_me app_public.users := app_hidden.require_user();
  v_subject text := btrim(request_booking.subject);
  v_booking app_public.bookings;
  v_constraint text;
begin
  if v_me.role <> 'student' then
    raise exception 'only students request bookings (you are %)', v_me.role using errcode = 'DENYD';
  end if;
  if not exists (select 1 from app_public.users u where u.id = request_booking.tutor_id and u.role = 'tutor') then
    raise exception 'no tutor with id %', request_booking.tutor_id using errcode = 'NTFND';
  end if;
  perform app_private.check_session_times(request_booking.starts_at, request_booking.ends_at);
  if v_subject = '' or length(v_subject) > 200 then
    raise exception 'subject must have 1 to 200 characters (got %)', length(v_subject) using errcode = 'BADIN';
  end if;
  perform app_private.set_actor('user:' || v_me.id);
  begin
    insert into app_public.bookings (student_id, tutor_id, subject, starts_at, ends_at)
    values (v_me.id, request_booking.tutor_id, v_subject, request_booking.starts_at, request_booking.ends_at)
    returning * into v_booking;
  exception when exclusion_violation then
    get stacked diagnostics v_constraint = constraint_name;
    perform app_private.raise_booking_conflict(v_constraint, request_booking.starts_at, request_booking.ends_at);
  end;
  perform app_private.set_actor(null);
  return v_booking;
end;
$$;

create or replace function app_public.accept_booking(booking_id uuid) returns app_public.bookings
  language plpgsql volatile security definer
  set search_path = pg_catalog
as $$
declare
  v_me app_public.users := app_hidden.require_user();
  v_booking app_public.bookings := app_private.visible_booking_for_update(accept_booking.booking_id);
begin
  if v_me.role <> 'admin' and v_me.id <> v_booking.tutor_id then
    raise exception 'only the tutor accepts a booking' using errcode = 'DENYD';
  end if;
  return app_private.transition_booking(v_booking.id, 'scheduled', 'user:' || v_me.id);
end;
$$;

create or replace function app_public.decline_booking(booking_id uuid, reason text default null) returns app_public.bookings
  language plpgsql volatile security definer
  set search_path = pg_catalog
as $$
declare
  v_me app_public.users := app_hidden.require_user();
  v_booking app_public.bookings := app_private.visible_booking_for_update(decline_booking.booking_id);
begin
  if v_me.role <> 'admin' and v_me.id <> v_booking.tutor_id then
    raise exception 'only the tutor declines a booking; a student cancels it' using errcode = 'DENYD';
  end if;
  if length(decline_booking.reason) > 1000 then
    raise exception 'reason must have at most 1000 characters' using errcode = 'BADIN';
  end if;
  return app_private.transition_booking(v_booking.id, 'declined', 'user:' || v_me.id, nullif(btrim(decline_booking.reason), ''));
end;
$$;

create or replace function app_public.cancel_booking(booking_id uuid, reason text default null) returns app_public.bookings
  language plpgsql volatile security definer
  set search_path = pg_catalog
as $$
declare
  v_me app_public.users := app_hidden.require_user();
  v_booking app_public.bookings := app_private.visible_booking_for_update(cancel_booking.booking_id);
begin
  if v_booking.state = 'requested' and v_me.role = 'tutor' then
    raise exception 'a tutor declines a request rather than cancelling it' using errcode = 'DENYD';
  end if;
  if length(cancel_booking.reason) > 1000 then
    raise exception 'reason must have at most 1000 characters' using errcode = 'BADIN';
  end if;
  return app_private.transition_booking(v_booking.id, 'cancelled', 'user:' || v_me.id, nullif(btrim(cancel_booking.reason), ''));
end;
$$;

create or replace function app_public.reschedule_booking(booking_id uuid, starts_at timestamptz, ends_at timestamptz)
  returns app_public.bookings
  language plpgsql volatile security definer
  set search_path = pg_catalog
as $$
declare
  v_me app_public.users := app_hidden.require_user();
  v_booking app_public.bookings := app_private.visible_booking_for_update(reschedule_booking.booking_id);
  v_constraint text;
begin
  if v_booking.state <> 'scheduled' then
    raise exception 'only a scheduled booking can be rescheduled; booking % is %', v_booking.id, v_booking.state
      using errcode = 'ILLTR';
  end if;
  perform app_private.check_session_times(reschedule_booking.starts_at, reschedule_booking.ends_at);
  perform app_private.set_actor('user:' || v_me.id);
  begin
    update app_public.bookings b
      set starts_at = reschedule_booking.starts_at, ends_at = reschedule_booking.ends_at
      where b.id = v_booking.id
      returning b.* into v_booking;
  exception when exclusion_violation then
    get stacked diagnostics v_constraint = constraint_name;
    perform app_private.raise_booking_conflict(v_constraint, reschedule_booking.starts_at, reschedule_booking.ends_at);
  end;
  perform app_private.set_actor(null);
  return v_booking;
end;
$$;

create or replace function app_public.search_bookings(
  states app_public.booking_state[] default null,
  since timestamptz default null,
  until timestamptz default null
) returns setof app_public.bookings
  language plpgsql stable
  set search_path = pg_catalog
as $$
begin
  perform app_hidden.check_time('since', search_bookings.since);
  perform app_hidden.check_time('until', search_bookings.until);
  return query
    select b.*
    from app_public.bookings b
    where (search_bookings.states is null or b.state = any (search_bookings.states))
      and (search_bookings.since is null or b.ends_at > search_bookings.since)
      and (search_bookings.until is null or b.starts_at < search_bookings.until)
    order by b.starts_at, b.id;
end;
$$;

-- The signed-in user. Security definer because the visitor may not select every column.
create or replace function app_public."current_user"() returns app_public.users
  language sql stable security definer
  set search_path = pg_catalog
as $$
  select u.* from app_public.users u where u.id = app_hidden.current_user_id()
$$;

------------------------------------------------------------------------------------------------
-- Notifications and the admin API: times in range.

create or replace function app_public.schedule_notification(
  recipient_id uuid,
  channel app_public.notification_channel,
  message text,
  run_at timestamptz default now()
) returns app_public.notifications
  language plpgsql volatile security definer
  set search_path = pg_catalog
as $$
declare
  v_me app_public.users := app_hidden.require_user();
  v_message text := btrim(schedule_notification.message);
  v_notification app_public.notifications;
begin
  if v_me.role <> 'admin' then
    raise exception 'only admins schedule notifications' using errcode = 'DENYD';
  end if;
  if not exists (select 1 from app_public.users u where u.id = schedule_notification.recipient_id) then
    raise exception 'no user with id %', schedule_notification.recipient_id using errcode = 'NTFND';
  end if;
  if v_message = '' or length(v_message) > 2000 then
    raise exception 'message must have 1 to 2000 characters (got %)', length(v_message) using errcode = 'BADIN';
  end if;
  perform app_hidden.check_time('runAt', schedule_notification.run_at);
  if schedule_notification.run_at < now() - interval '1 minute' then
    raise exception 'runAt (%) must be now or in the future', schedule_notification.run_at using errcode = 'BADIN';
  end if;
  insert into app_public.notifications (recipient_id, channel, message, run_at, scheduled_by_id)
  values (schedule_notification.recipient_id, schedule_notification.channel, v_message,
    greatest(schedule_notification.run_at, now()), v_me.id)
  returning * into v_notification;
  perform app_private.schedule_notification_job(v_notification);
  return v_notification;
end;
$$;

create or replace function app_public.jobs(
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
  perform app_hidden.check_time('since', jobs.since);
  perform app_hidden.check_time('until', jobs.until);
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

create or replace function app_public.job_runs(
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
  perform app_hidden.check_time('since', job_runs.since);
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
  return (select app_private.to_job(s) from app_private.job_states s where s.id = v_job.id);
end;
$$;

------------------------------------------------------------------------------------------------
-- Contact data, admins' ids and delivery errors: read through functions that decide per caller.
-- They are volatile so that they see rows written earlier in the same statement: a mutation's
-- payload is read in the statement that called the mutation.

-- Each joins the caller's own row (v) once: one validated look-up of who is asking per call.
create function app_hidden.user_email(id uuid) returns text
  language sql volatile security definer
  set search_path = pg_catalog
as $$
  select u.email from app_public.users u, app_public.users v
  where u.id = user_email.id and v.id = app_hidden.current_user_id() and (v.id = u.id or v.role = 'admin')
$$;
comment on function app_hidden.user_email(uuid) is
  'The user''s email, for the user themself and admins; null for anyone else.';

create function app_hidden.user_phone(id uuid) returns text
  language sql volatile security definer
  set search_path = pg_catalog
as $$
  select u.phone from app_public.users u, app_public.users v
  where u.id = user_phone.id and v.id = app_hidden.current_user_id() and (v.id = u.id or v.role = 'admin')
$$;
comment on function app_hidden.user_phone(uuid) is
  'The user''s phone, for the user themself and admins; null for anyone else.';

-- Only the booking's student, its tutor and admins act on a booking as users: to anyone but an
-- admin, a user:<id> that is neither party is an admin, and reads `admin`.
create function app_hidden.booking_event_actor(id bigint) returns text
  language sql volatile security definer
  set search_path = pg_catalog
as $$
  select case
    when v.role = 'admin' then e.actor
    when e.actor like 'user:%' and e.actor not in ('user:' || b.student_id, 'user:' || b.tutor_id) then 'admin'
    else e.actor
  end
  from app_public.booking_events e
  join app_public.bookings b on b.id = e.booking_id
  join app_public.users v on v.id = app_hidden.current_user_id()
  where e.id = booking_event_actor.id and (v.id in (b.student_id, b.tutor_id) or v.role = 'admin')
$$;
comment on function app_hidden.booking_event_actor(bigint) is
  'Who made a change you may see: the actor, but `admin` instead of an admin''s user id unless you are an admin.';

create function app_hidden.notification_last_error(id uuid) returns text
  language sql volatile security definer
  set search_path = pg_catalog
as $$
  select n.last_error from app_public.notifications n, app_public.users v
  where n.id = notification_last_error.id and v.id = app_hidden.current_user_id() and v.role = 'admin'
$$;
comment on function app_hidden.notification_last_error(uuid) is
  'Why the notification''s last attempt failed, for admins; null for anyone else.';

create function app_hidden.notification_scheduled_by_id(id uuid) returns uuid
  language sql volatile security definer
  set search_path = pg_catalog
as $$
  select n.scheduled_by_id from app_public.notifications n, app_public.users v
  where n.id = notification_scheduled_by_id.id and v.id = app_hidden.current_user_id() and v.role = 'admin'
$$;
comment on function app_hidden.notification_scheduled_by_id(uuid) is
  'The admin who scheduled the notification, for admins; null for anyone else.';

revoke select on app_public.users from schoolbell_visitor;
grant select (id, name, role, time_zone, created_at, updated_at) on app_public.users to schoolbell_visitor;
revoke select on app_public.booking_events from schoolbell_visitor;
grant select (id, booking_id, from_state, to_state, reason, created_at) on app_public.booking_events to schoolbell_visitor;
revoke select on app_public.notifications from schoolbell_visitor;
grant select (id, recipient_id, booking_id, lead, channel, message, run_at, state, attempts, sent_at, created_at, updated_at)
  on app_public.notifications to schoolbell_visitor;

comment on column app_public.users.email is
  E'@readThrough app_hidden.user_email\n@behavior -orderBy -filterBy\nEmail address, unique regardless of case; null unless it is yours or you are an admin.';
comment on column app_public.users.phone is
  E'@readThrough app_hidden.user_phone\n@behavior -orderBy -filterBy\nPhone number for SMS reminders, if any; null unless it is yours or you are an admin.';
comment on column app_public.booking_events.actor is
  E'@readThrough app_hidden.booking_event_actor\n@notNull\n@behavior -orderBy -filterBy\nWho or what made the change: user:<id>, job:<task> (an exact-time job), sweep:<task>, or sql:<database user>; `admin` for an admin unless you are one.';
comment on column app_public.notifications.last_error is
  E'@readThrough app_hidden.notification_last_error\n@behavior -orderBy -filterBy\nWhy the last attempt failed; admins only (null for anyone else).';
comment on column app_public.notifications.scheduled_by_id is
  E'@readThrough app_hidden.notification_scheduled_by_id\n@behavior -orderBy -filterBy\nThe admin who scheduled a custom notification; admins only (null for anyone else).';
-- Which notifications an admin scheduled is for admins: the list by scheduler is gone from
-- GraphQL (admins filter notifications otherwise), the link to the admin stays.
comment on constraint notifications_scheduled_by_id_fkey on app_public.notifications is
  E'@fieldName scheduledBy\n@foreignFieldName scheduledNotifications\n@backwardBehavior -*';

------------------------------------------------------------------------------------------------
-- Functions: the visitor role executes exactly what requests need. Start from nothing (this also
-- takes graphile_worker's functions, executable by PUBLIC since its own migrations, away from
-- requests), then grant.

do $$
declare
  v_fn regprocedure;
begin
  for v_fn in
    select p.oid::regprocedure
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname not in ('pg_catalog', 'information_schema')
      and has_function_privilege('schoolbell_visitor', p.oid, 'EXECUTE')
      and pg_has_role(current_user, p.proowner, 'USAGE')
  loop
    execute format('revoke execute on function %s from public, schoolbell_visitor', v_fn);
  end loop;
end
$$;
revoke all on schema graphile_worker from public;
revoke all on schema app_private from public;

-- RLS policies and the read-through functions above, as the visitor.
grant execute on function app_hidden.current_user_id() to schoolbell_visitor;
grant execute on function app_hidden.current_user_is_admin() to schoolbell_visitor;
grant execute on function app_hidden.time_is_usable(timestamptz) to schoolbell_visitor;
grant execute on function app_hidden.check_time(text, timestamptz) to schoolbell_visitor;
grant execute on function app_hidden.user_email(uuid) to schoolbell_visitor;
grant execute on function app_hidden.user_phone(uuid) to schoolbell_visitor;
grant execute on function app_hidden.booking_event_actor(bigint) to schoolbell_visitor;
grant execute on function app_hidden.notification_last_error(uuid) to schoolbell_visitor;
grant execute on function app_hidden.notification_scheduled_by_id(uuid) to schoolbell_visitor;
-- The GraphQL API.
grant execute on function app_public."current_user"() to schoolbell_visitor;
grant execute on function app_public.request_booking(uuid, timestamptz, timestamptz, text) to schoolbell_visitor;
grant execute on function app_public.accept_booking(uuid) to schoolbell_visitor;
grant execute on function app_public.decline_booking(uuid, text) to schoolbell_visitor;
grant execute on function app_public.cancel_booking(uuid, text) to schoolbell_visitor;
grant execute on function app_public.reschedule_booking(uuid, timestamptz, timestamptz) to schoolbell_visitor;
grant execute on function app_public.search_bookings(app_public.booking_state[], timestamptz, timestamptz) to schoolbell_visitor;
grant execute on function app_public.schedule_notification(uuid, app_public.notification_channel, text, timestamptz)
  to schoolbell_visitor;
grant execute on function app_public.cancel_notification(uuid) to schoolbell_visitor;
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
grant execute on function app_public.bookings_timers(app_public.bookings) to schoolbell_visitor;
