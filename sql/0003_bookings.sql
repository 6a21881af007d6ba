-- Bookings and their state machine, enforced by the database for every writer: the API, the
-- jobs, and a DBA at a psql prompt.
--
--   requested -> scheduled | declined | cancelled | expired
--   scheduled -> active | cancelled
--   active    -> ended
--   ended, expired, declined, cancelled are final.

-- In the order of a booking's life, then the ways it stops early: the order the admin page
-- shows them in (app_public.admin_vocabulary).
create type app_public.booking_state as enum (
  'requested', 'scheduled', 'active', 'ended', 'declined', 'cancelled', 'expired'
);
comment on type app_public.booking_state is E'@value requested: Asked for by the student, waiting for the tutor.\n@value scheduled: Accepted; waits for its start.\n@value active: The session is running.\n@value ended: The session is over (END_GRACE after its end).\n@value declined: The tutor said no.\n@value cancelled: Called off by either party before it started.\n@value expired: Nobody answered the request in time.\nWhere a booking is in its life.';

create table app_public.bookings (
  id uuid primary key default gen_random_uuid(),
  student_id uuid not null references app_public.users on delete cascade,
  tutor_id uuid not null references app_public.users on delete cascade,
  subject text not null constraint bookings_subject_length check (length(btrim(subject)) between 1 and 200),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  state app_public.booking_state not null default 'requested',
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint bookings_ends_after_start check (ends_at > starts_at),
  constraint bookings_at_most_a_day check (ends_at - starts_at <= interval '24 hours'),
  constraint bookings_not_with_self check (student_id <> tutor_id),
  -- A tutor cannot hold two overlapping sessions that are going ahead.
  constraint bookings_tutor_no_overlap exclude using gist (
    tutor_id with =,
    tstzrange(starts_at, ends_at) with &&
  ) where (state in ('scheduled', 'active')),
  -- A student cannot hold two open requests with one tutor at overlapping times (DUPRQ).
  constraint bookings_no_duplicate_request exclude using gist (
    student_id with =,
    tutor_id with =,
    tstzrange(starts_at, ends_at) with &&
  ) where (state = 'requested'),
  -- Stored times too, whoever writes them (a DBA, an import): a value the service cannot read
  -- would break the worker's wake-up timer and the admin page.
  constraint bookings_times_usable check (
    app_hidden.time_is_usable(starts_at) and app_hidden.time_is_usable(ends_at) and app_hidden.time_is_usable(expires_at)
  )
);

create index bookings_student_idx on app_public.bookings (student_id, starts_at);
create index bookings_tutor_idx on app_public.bookings (tutor_id, starts_at);
create index bookings_starts_at_idx on app_public.bookings (starts_at);
-- What the sweeps look for: the candidates of each row of app_private.booking_deadlines (below),
-- in its from_state, by its deadline column. A new deadline adds its own.
create index bookings_requested_expires_idx on app_public.bookings (expires_at) where state = 'requested';
create index bookings_scheduled_starts_idx on app_public.bookings (starts_at) where state = 'scheduled';
create index bookings_active_ends_idx on app_public.bookings (ends_at) where state = 'active';
-- Filtering and ordering the ordinary `bookings` connection. PostGraphile offers a column in
-- `condition` and `orderBy` when an index leads with it: state (with the start time, for "my
-- scheduled sessions by start"), and updated_at (the admin page's recently changed bookings).
-- The states and start-time window conditions are src/http/conventions.ts's BookingConditionsPlugin.
create index bookings_state_starts_at_idx on app_public.bookings (state, starts_at);
create index bookings_updated_at_idx on app_public.bookings (updated_at);

comment on table app_public.bookings is
  E'@behavior -insert -update -delete\nA tutoring session: requested by a student, accepted or declined by the tutor, then started and ended on time.';
comment on column app_public.bookings.id is 'The booking''s id.';
comment on column app_public.bookings.student_id is 'The student who asked for the session.';
comment on column app_public.bookings.tutor_id is 'The tutor who gives it.';
comment on column app_public.bookings.subject is 'What the session is about.';
comment on column app_public.bookings.starts_at is 'When the session starts; it becomes active then.';
comment on column app_public.bookings.ends_at is 'When the session ends; it becomes ended END_GRACE later.';
comment on column app_public.bookings.state is 'Where the booking is in its life.';
comment on column app_public.bookings.expires_at is
  'When an unanswered request expires: REQUEST_TTL after it was made, or at starts_at if that is sooner.';
comment on column app_public.bookings.created_at is 'When the booking was requested.';
comment on column app_public.bookings.updated_at is 'When the booking last changed.';
-- Relations on NOT NULL foreign keys whose target the reader always sees (row-level security
-- shows a booking's student and tutor to whoever sees the booking, an event's booking to whoever
-- sees the event).
comment on constraint bookings_student_id_fkey on app_public.bookings is E'@fieldName student\n@foreignFieldName bookingsAsStudent\n@notNull\nThe student who asked for the session.';
comment on constraint bookings_tutor_id_fkey on app_public.bookings is E'@fieldName tutor\n@foreignFieldName bookingsAsTutor\n@notNull\nThe tutor who gives it.';
comment on constraint bookings_tutor_no_overlap on app_public.bookings is
  'A tutor cannot hold two overlapping scheduled or active sessions.';
comment on constraint bookings_no_duplicate_request on app_public.bookings is
  'A student cannot hold two open requests with one tutor at overlapping times.';
comment on constraint bookings_times_usable on app_public.bookings is
  'starts_at, ends_at and expires_at lie between 1900 and 9999.';

create table app_public.booking_events (
  id bigint generated always as identity primary key,
  booking_id uuid not null references app_public.bookings on delete cascade,
  from_state app_public.booking_state,
  to_state app_public.booking_state not null,
  actor text not null,
  reason text,
  created_at timestamptz not null default now()
);
create index booking_events_booking_idx on app_public.booking_events (booking_id, id);
comment on constraint booking_events_booking_id_fkey on app_public.booking_events is E'@fieldName booking\n@foreignFieldName events\n@notNull\nThe booking that changed.';

comment on table app_public.booking_events is
  E'@behavior -insert -update -delete\nThe audit trail: one row per change of a booking, written in the same transaction as the change.';
comment on column app_public.booking_events.id is 'Order of events.';
comment on column app_public.booking_events.booking_id is 'The booking that changed.';
comment on column app_public.booking_events.from_state is 'The state before; null when the booking was created.';
comment on column app_public.booking_events.to_state is 'The state after (the same as before for a reschedule).';
comment on column app_public.booking_events.actor is
  E'@readThrough app_hidden.booking_event_actor\n@notNull\n@behavior -orderBy -filterBy\nWho or what made the change: user:<id>, job:<task> (an exact-time job), sweep:<task>, or sql:<database user>; `admin` for an admin unless you are one.';
comment on column app_public.booking_events.reason is 'Why, when known: a decline or cancel reason, or what was rescheduled.';
comment on column app_public.booking_events.created_at is 'When it happened.';

-- The legal moves. Everything else is refused.
create function app_private.booking_transition_allowed(from_state app_public.booking_state, to_state app_public.booking_state)
  returns boolean
  language sql immutable
  set search_path = pg_catalog
as $$
  select (from_state, to_state) in (
    ('requested'::app_public.booking_state, 'scheduled'::app_public.booking_state),
    ('requested', 'declined'),
    ('requested', 'cancelled'),
    ('requested', 'expired'),
    ('scheduled', 'active'),
    ('scheduled', 'cancelled'),
    ('active', 'ended')
  )
$$;
comment on function app_private.booking_transition_allowed(app_public.booking_state, app_public.booking_state) is
  'Whether the state machine allows moving a booking from one state to the other.';

-- Who made a change, as booking_events.actor spells it: the one place the formats are composed
-- and read. user:<id> is a person through the API, job:<task> an exact-time job, sweep:<task> a
-- crontab sweep, sql:<database user> a change nobody named (someone at psql); `admin` is what a
-- non-admin reads for an admin's user:<id> (app_hidden.booking_event_actor).
create function app_private.actor(kind text, subject text default null) returns text
  language plpgsql immutable
  set search_path = pg_catalog
as $$
begin
  if kind = 'admin' and subject is null then
    return 'admin';
  elsif kind in ('user', 'job', 'sweep', 'sql') and subject <> '' then
    return kind || ':' || subject;
  end if;
  raise exception 'no actor is a % named "%" (user, job, sweep or sql with a name; admin without)', kind, subject
    using errcode = 'BADIN';
end;
$$;
comment on function app_private.actor(text, text) is
  'An actor as booking_events records it: user:<id>, job:<task>, sweep:<task>, sql:<database user>, or admin.';

create function app_private.actor_parts(actor text, out kind text, out subject text)
  language sql immutable
  set search_path = pg_catalog
as $$
  select case when p.colon > 0 then left(actor, p.colon - 1) else actor end,
         case when p.colon > 0 then substr(actor, p.colon + 1) end
  from (select strpos(actor, ':') as colon) p
$$;
comment on function app_private.actor_parts(text) is
  'An actor read back into its kind (user, job, sweep, sql, admin) and subject (the id or name; null for admin).';

-- A booking's time by the name of its column, for the columns a deadline may use (a deadline
-- on another column adds it here). Plain SQL, so that Postgres inlines it into the set-wise
-- queries of sql/0006_timers.sql: read through to_jsonb(booking) ->> name instead, the job
-- changes of a 500-booking sweep batch took five times as long (6.4 ms against 1.3 ms).
create function app_private.no_deadline_column(name text) returns timestamptz
  language plpgsql immutable
  set search_path = pg_catalog
as $$
begin
  raise exception 'app_public.bookings has no deadline column "%" (app_private.booking_time)', name using errcode = 'BADIN';
end;
$$;
comment on function app_private.no_deadline_column(text) is 'Refuses a deadline column booking_time does not know.';

create function app_private.booking_time(booking app_public.bookings, name text) returns timestamptz
  language sql immutable
as $$
  select case name
    when 'expires_at' then booking.expires_at
    when 'starts_at' then booking.starts_at
    when 'ends_at' then booking.ends_at
    else app_private.no_deadline_column(name)
  end
$$;
comment on function app_private.booking_time(app_public.bookings, text) is
  'A booking''s time by the name of its column, for the columns a deadline may use; any other name is refused.';

-- The time-driven moves, one row each: a booking in from_state moves to to_state when its
-- deadline comes, the deadline_column of the booking plus the grace_setting interval (from
-- app_private.settings) if one applies. Every rule about time reads this table: the guard below
-- (never before the deadline), the timers that move each booking at its deadline and the sweeps
-- that catch whatever the timers missed (sql/0006_timers.sql), and the admin page's view of a
-- booking's timer (sql/0008_operations.sql). A new timed move is a row here, its two task files
-- in tasks/, its sweep's line in crontab, and a partial index on (deadline_column) where
-- state = from_state for its sweep (beside the three above); test/timers.test.ts checks them.
create table app_private.booking_deadlines (
  from_state app_public.booking_state primary key,
  to_state app_public.booking_state not null,
  deadline_column text not null,
  grace_setting text,
  timer_task text not null unique,
  sweep_task text not null unique,
  too_early text not null,
  constraint booking_deadlines_allowed check (app_private.booking_transition_allowed(from_state, to_state)),
  constraint booking_deadlines_tasks_differ check (timer_task <> sweep_task),
  constraint booking_deadlines_column check (app_private.booking_time(null, deadline_column) is null),
  constraint booking_deadlines_too_early_names_deadline check (too_early like '%\%s%')
);
alter table app_private.booking_deadlines enable row level security;
comment on table app_private.booking_deadlines is
  'The booking state machine''s time-driven moves: from which state, to which, at which deadline, by which timer and which sweep.';
comment on column app_private.booking_deadlines.from_state is 'The state a booking waits in; it waits for at most one deadline.';
comment on column app_private.booking_deadlines.to_state is 'Where the booking goes when the deadline comes.';
comment on column app_private.booking_deadlines.deadline_column is
  'The timestamptz column of app_public.bookings that holds the deadline; the instant that names the timer.';
comment on column app_private.booking_deadlines.grace_setting is
  'The interval setting (app_private.settings) added to the column to make the deadline; null for none.';
comment on column app_private.booking_deadlines.timer_task is
  'The task of the exact-time timer, one job per instant: timer:<task>:<instant>.';
comment on column app_private.booking_deadlines.sweep_task is 'The crontab sweep that moves whatever is overdue: sweep:<task>.';
comment on column app_private.booking_deadlines.too_early is
  'How the guard refuses the move before the deadline: the end of its message, %s for the deadline.';

insert into app_private.booking_deadlines
  (from_state, to_state, deadline_column, grace_setting, timer_task, sweep_task, too_early)
values
  ('requested', 'expired', 'expires_at', null, 'expire_requests_timer', 'expire_requests_sweep', 'before it expires at %s'),
  ('scheduled', 'active', 'starts_at', null, 'start_sessions_timer', 'start_sessions_sweep', 'before it starts at %s'),
  ('active', 'ended', 'ends_at', 'end_grace', 'end_sessions_timer', 'end_sessions_sweep', 'before %s (ends_at plus END_GRACE)');

-- A booking's deadline under a row of booking_deadlines: the instant that names its timer (the
-- value of its deadline column) and the grace after it. Plain SQL without a SET clause, so that
-- Postgres inlines them; the built-ins are in pg_catalog, which is searched first whatever the
-- search_path.
create function app_private.deadline_instant(booking app_public.bookings, deadline app_private.booking_deadlines)
  returns timestamptz
  language sql immutable
as $$
  select app_private.booking_time(booking, deadline.deadline_column)
$$;
comment on function app_private.deadline_instant(app_public.bookings, app_private.booking_deadlines) is
  'The instant a booking waits for under a deadline: its deadline column, which names its timer.';

create function app_private.deadline_grace(deadline app_private.booking_deadlines) returns interval
  language sql stable
as $$
  select case when deadline.grace_setting is null then interval '0' else app_private.setting_interval(deadline.grace_setting) end
$$;
comment on function app_private.deadline_grace(app_private.booking_deadlines) is
  'How long after its instant a deadline falls: its grace setting, or nothing.';

-- Who is changing bookings in this transaction, for the audit trail. Functions that change
-- bookings set it; a change made without it is attributed to the database user.
create function app_private.set_actor(actor text, reason text default null) returns void
  language sql volatile
  set search_path = pg_catalog
as $$
  select set_config('schoolbell.actor', coalesce(actor, ''), true), set_config('schoolbell.reason', coalesce(reason, ''), true);
$$;
comment on function app_private.set_actor(text, text) is
  'Names the actor (and reason) that the audit trail records for the next booking changes in this transaction.';

create function app_private.tg_bookings__guard() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_student_role app_public.user_role;
  v_tutor_role app_public.user_role;
  v_deadline app_private.booking_deadlines;
  v_due timestamptz;
begin
  if tg_op = 'INSERT' then
    select role into v_student_role from app_public.users where id = new.student_id;
    select role into v_tutor_role from app_public.users where id = new.tutor_id;
    if v_student_role is distinct from 'student' then
      raise exception 'user % is not a student', new.student_id using errcode = 'BADIN';
    end if;
    if v_tutor_role is distinct from 'tutor' then
      raise exception 'user % is not a tutor', new.tutor_id using errcode = 'BADIN';
    end if;
    if new.state = 'requested' and new.starts_at <= now() then
      raise exception 'a booking must start in the future (starts_at % is past)', new.starts_at using errcode = 'BADIN';
    end if;
    if new.expires_at is null then
      new.expires_at := least(now() + app_private.setting_interval('request_ttl'), new.starts_at);
    end if;
    return new;
  end if;

  if new.id <> old.id or new.student_id <> old.student_id or new.tutor_id <> old.tutor_id then
    raise exception 'a booking''s id, student and tutor cannot change' using errcode = 'BADIN';
  end if;

  if new.state <> old.state then
    if not app_private.booking_transition_allowed(old.state, new.state) then
      raise exception 'cannot move booking % from % to %', old.id, old.state, new.state using errcode = 'ILLTR';
    end if;
    if old.state = 'requested' and new.state = 'scheduled' and now() >= old.starts_at then
      raise exception 'cannot move booking % from requested to scheduled: its start (%) has passed', old.id, old.starts_at
        using errcode = 'ILLTR';
    elsif old.state = 'scheduled' and new.state = 'cancelled' and now() >= old.starts_at then
      raise exception 'cannot move booking % from scheduled to cancelled: it started at %', old.id, old.starts_at
        using errcode = 'ILLTR';
    end if;
    -- A time-driven move, never before its deadline.
    select d.* into v_deadline from app_private.booking_deadlines d where d.from_state = old.state and d.to_state = new.state;
    if found then
      v_due := app_private.deadline_instant(old, v_deadline) + app_private.deadline_grace(v_deadline);
      if now() < v_due then
        raise exception '%', format('cannot move booking %s from %s to %s ', old.id, old.state, new.state)
          || format(v_deadline.too_early, v_due) using errcode = 'ILLTR';
      end if;
    end if;
  end if;

  if new.starts_at <> old.starts_at or new.ends_at <> old.ends_at then
    if old.state <> 'scheduled' or new.state <> 'scheduled' then
      raise exception 'only a scheduled booking can be rescheduled; booking % is %', old.id, old.state
        using errcode = 'ILLTR';
    end if;
    if now() >= old.starts_at then
      raise exception 'booking % started at % and can no longer be rescheduled', old.id, old.starts_at
        using errcode = 'ILLTR';
    end if;
    if new.starts_at <= now() then
      raise exception 'a booking must start in the future (starts_at % is past)', new.starts_at using errcode = 'BADIN';
    end if;
  end if;
  return new;
end;
$$;
comment on function app_private.tg_bookings__guard() is
  'Enforces the booking state machine and its deadlines, and what may change, for every writer.';

create function app_private.tg_bookings__audit() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_actor text := coalesce(nullif(current_setting('schoolbell.actor', true), ''), app_private.actor('sql', session_user));
  v_reason text := nullif(current_setting('schoolbell.reason', true), '');
begin
  if tg_op = 'INSERT' then
    insert into app_public.booking_events (booking_id, from_state, to_state, actor, reason)
    values (new.id, null, new.state, v_actor, v_reason);
  elsif new.state <> old.state then
    insert into app_public.booking_events (booking_id, from_state, to_state, actor, reason)
    values (new.id, old.state, new.state, v_actor, v_reason);
  elsif new.starts_at <> old.starts_at or new.ends_at <> old.ends_at then
    insert into app_public.booking_events (booking_id, from_state, to_state, actor, reason)
    values (
      new.id, old.state, new.state, v_actor,
      format('rescheduled from %s–%s to %s–%s', old.starts_at, old.ends_at, new.starts_at, new.ends_at)
        || coalesce(': ' || v_reason, '')
    );
  end if;
  return null;
end;
$$;
comment on function app_private.tg_bookings__audit() is 'Writes booking_events for every creation, transition and reschedule.';

create trigger _100_timestamps before insert or update on app_public.bookings
  for each row execute function app_private.tg__timestamps();
create trigger _200_guard before insert or update on app_public.bookings
  for each row execute function app_private.tg_bookings__guard();
create trigger _800_audit after insert or update on app_public.bookings
  for each row execute function app_private.tg_bookings__audit();

-- transition_booking is the one guarded move: lock the row, succeed quietly when the booking is
-- already in the target state, otherwise update it (the trigger refuses illegal moves) with the
-- actor and reason recorded in booking_events. The API, the jobs and the sweeps all call it.
create function app_private.transition_booking(
  booking_id uuid,
  to_state app_public.booking_state,
  actor text,
  reason text default null
) returns app_public.bookings
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_booking app_public.bookings;
begin
  select b.* into v_booking from app_public.bookings b where b.id = transition_booking.booking_id for update;
  if not found then
    raise exception 'booking % not found', transition_booking.booking_id using errcode = 'NTFND';
  end if;
  if v_booking.state = transition_booking.to_state then
    return v_booking;
  end if;
  perform app_private.set_actor(transition_booking.actor, transition_booking.reason);
  begin
    update app_public.bookings b set state = transition_booking.to_state
      where b.id = transition_booking.booking_id
      returning b.* into v_booking;
  exception when exclusion_violation then
    raise exception 'the tutor already has a session overlapping % – %', v_booking.starts_at, v_booking.ends_at
      using errcode = 'OVLAP';
  end;
  perform app_private.set_actor(null);
  return v_booking;
end;
$$;
comment on function app_private.transition_booking(uuid, app_public.booking_state, text, text) is
  'Moves a booking to a state if the state machine allows it; idempotent; audited with the given actor.';

-- Row-level security: students see their bookings, tutors the bookings made with them, admins
-- all. Nobody writes the tables directly through the API: the mutations are functions.
alter table app_public.users enable row level security;
alter table app_public.bookings enable row level security;
alter table app_public.booking_events enable row level security;

create policy select_visible on app_public.bookings for select to schoolbell_visitor using (
  student_id = (select app_hidden.current_user_id())
  or tutor_id = (select app_hidden.current_user_id())
  or (select app_hidden.current_user_is_admin())
);

create policy select_visible on app_public.booking_events for select to schoolbell_visitor using (
  exists (select 1 from app_public.bookings b where b.id = booking_id)
);

-- Everyone signed in sees the tutors (to book them); otherwise yourself, the other party of
-- your bookings, and for admins everybody.
create policy select_visible on app_public.users for select to schoolbell_visitor using (
  id = (select app_hidden.current_user_id())
  or (role = 'tutor' and (select app_hidden.current_user_id()) is not null)
  or (select app_hidden.current_user_is_admin())
  or exists (
    select 1 from app_public.bookings b
    where (b.student_id = users.id and b.tutor_id = (select app_hidden.current_user_id()))
       or (b.tutor_id = users.id and b.student_id = (select app_hidden.current_user_id()))
  )
);


-- The visitor reads every column of a booking; an event's actor only through
-- app_hidden.booking_event_actor (an admin's id stays with admins).
grant select on app_public.bookings to schoolbell_visitor;
grant select (id, booking_id, from_state, to_state, reason, created_at) on app_public.booking_events to schoolbell_visitor;

-- Only the booking's student, its tutor and admins act on a booking as users: to anyone but an
-- admin, a user:<id> that is neither party is an admin, and reads `admin`.
create function app_hidden.booking_event_actor(id bigint) returns text
  language sql volatile security definer
  set search_path = pg_catalog
as $$
  select case
    when v.role = 'admin' then e.actor
    when (app_private.actor_parts(e.actor)).kind = 'user'
      and e.actor not in (app_private.actor('user', b.student_id::text), app_private.actor('user', b.tutor_id::text))
      then app_private.actor('admin')
    else e.actor
  end
  from app_public.booking_events e
  join app_public.bookings b on b.id = e.booking_id
  join app_public.users v on v.id = app_hidden.current_user_id()
  where e.id = booking_event_actor.id and (v.id in (b.student_id, b.tutor_id) or v.role = 'admin')
$$;
comment on function app_hidden.booking_event_actor(bigint) is
  'Who made a change you may see: the actor, but `admin` instead of an admin''s user id unless you are an admin.';

-- Who made a booking change, by name (GraphQL's BookingEvent.actorName, src/http/actor-name.ts).
-- It reads the actor through app_hidden.booking_event_actor, so whoever may not see an admin's id
-- does not see their name.
create function app_hidden.booking_event_actor_name(id bigint) returns text
  language sql volatile security definer
  set search_path = pg_catalog
as $$
  select case
    when p.kind = 'user' and p.subject ~ '^[0-9a-f-]{36}$' then coalesce(
      (select u.name from app_public.users u where u.id = p.subject::uuid), a.actor)
    when p.kind = 'admin' and p.subject is null then 'an admin'
    when p.kind = 'job' then 'the ' || p.subject || ' job'
    when p.kind = 'sweep' then 'the ' || p.subject || ' sweep'
    when p.kind = 'sql' then 'database user ' || p.subject
    else a.actor
  end
  from (select app_hidden.booking_event_actor(booking_event_actor_name.id) as actor) a
  cross join lateral app_private.actor_parts(a.actor) p
  where a.actor is not null
$$;
comment on function app_hidden.booking_event_actor_name(bigint) is
  'Who made a booking change, for people: a user''s name, "an admin", "the <task> job", "the <task> sweep" or "database user <name>"; null for a change you may not see.';

grant execute on function app_hidden.booking_event_actor(bigint) to schoolbell_visitor;
grant execute on function app_hidden.booking_event_actor_name(bigint) to schoolbell_visitor;
