-- Settings, shared helpers, users, and who the current request is.

-- Settings the database needs (durations from the service's config). The service writes them
-- at startup. This is the one place their rows and defaults are seeded; src/db/settings.ts
-- (SETTINGS) is the registry of each row's default, variable and meaning, and
-- test/registries.test.ts checks that the two agree.
create table app_private.settings (
  name text primary key,
  value text not null,
  updated_at timestamptz not null default now()
);
comment on table app_private.settings is
  'Configuration the SQL needs, written by the service at startup from REQUEST_TTL, END_GRACE, ...';
alter table app_private.settings enable row level security;

insert into app_private.settings (name, value) values
  ('request_ttl', '24 hours'),
  ('end_grace', '10 minutes'),
  -- Reminders: how long before a session they go out, and through which channel.
  ('reminder_leads', '24 hours,15 minutes'),
  ('reminder_channel', 'log'),
  ('job_history_retention', '14 days'),
  ('worker_dead_after', '1 minute'),
  -- A switch for the exact-time timers (sql/0006_timers.sql): 'off' makes booking changes
  -- schedule no jobs.
  ('booking_timers', 'on'),
  ('booking_horizon', '365 days');

create function app_private.setting_interval(name text) returns interval
  language sql stable
  set search_path = pg_catalog
as $$
  select value::interval from app_private.settings s where s.name = setting_interval.name
$$;
comment on function app_private.setting_interval(text) is 'A duration from app_private.settings.';

-- Generic timestamps trigger: created_at is set once, updated_at on every change.
create function app_private.tg__timestamps() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog
as $$
begin
  if tg_op = 'INSERT' then
    new.created_at := now();
  else
    new.created_at := old.created_at;
  end if;
  new.updated_at := now();
  return new;
end;
$$;

-- Times the service can handle: finite, inside JavaScript's Date range and four-digit ISO 8601
-- years, which the admin page and the worker can handle. Every time the API takes, and every
-- time stored in bookings and notifications, lies between 1900 and 9999.
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

-- users.time_zone is checked against a table of the zone names rather than pg_timezone_names,
-- which reads every zone file on each call (about 10 ms): slow for bulk imports of users. The
-- names are read once here; a migration refreshes them when Postgres's zone data changes.
create table app_private.time_zones (name text primary key);
comment on table app_private.time_zones is 'The IANA time zone names Postgres knew when this was last refreshed.';
alter table app_private.time_zones enable row level security;
insert into app_private.time_zones (name) select name from pg_timezone_names;

create function app_private.is_time_zone(name text) returns boolean
  language sql stable
  set search_path = pg_catalog
as $$
  select exists (select 1 from app_private.time_zones z where z.name = is_time_zone.name)
$$;
comment on function app_private.is_time_zone(text) is 'Whether name is an IANA time zone Postgres knows.';

create type app_public.user_role as enum ('student', 'tutor', 'admin');
comment on type app_public.user_role is E'@value student: Asks tutors for sessions.\n@value tutor: Gives sessions; accepts or declines requests.\n@value admin: Sees everything and runs the job queue.\nWhat a user is on the platform.';

create table app_public.users (
  id uuid primary key default gen_random_uuid(),
  name text not null constraint users_name_length check (length(btrim(name)) between 1 and 200),
  email text not null constraint users_email_format check (email ~ '^[^@\s]+@[^@\s]+$' and length(email) <= 320),
  phone text constraint users_phone_format check (phone ~ '^\+?[0-9 ()-]{5,32}$'),
  role app_public.user_role not null,
  time_zone text not null default 'UTC' constraint users_time_zone_known check (app_private.is_time_zone(time_zone)),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index users_email_key on app_public.users (lower(email));
create index users_role_idx on app_public.users (role);

comment on table app_public.users is E'@behavior -insert -update -delete\nA student, tutor or admin.';
comment on column app_public.users.id is 'The user''s id: the `sub` claim of their tokens.';
comment on column app_public.users.name is 'Display name.';
comment on column app_public.users.email is
  E'@readThrough app_hidden.user_email\n@behavior -orderBy -filterBy\nEmail address, unique regardless of case; null unless it is yours or you are an admin.';
comment on column app_public.users.phone is
  E'@readThrough app_hidden.user_phone\n@behavior -orderBy -filterBy\nPhone number for SMS reminders, if any; null unless it is yours or you are an admin.';
comment on column app_public.users.role is 'Student, tutor or admin; tokens must carry the same role.';
comment on column app_public.users.time_zone is 'IANA time zone, e.g. Europe/Madrid; reminders show times in it.';
comment on column app_public.users.created_at is 'When the user was created.';
comment on column app_public.users.updated_at is 'When the user last changed.';

create trigger _100_timestamps before insert or update on app_public.users
  for each row execute function app_private.tg__timestamps();

-- Who is asking. PostGraphile sets jwt.claims.sub and jwt.claims.role from a verified token;
-- a DBA can do the same with set_config to see what a user sees. A token whose subject is not
-- a user, or whose role is not that user's role, is refused here, for every query.
create function app_hidden.current_user_id() returns uuid
  language plpgsql stable security definer
  set search_path = pg_catalog
as $$
declare
  v_sub text := nullif(current_setting('jwt.claims.sub', true), '');
  v_role text := nullif(current_setting('jwt.claims.role', true), '');
  v_id uuid;
  v_actual app_public.user_role;
begin
  if v_sub is null then
    return null;
  end if;
  if v_sub !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    raise exception 'token subject "%" is not a user id', v_sub using errcode = 'TOKEN';
  end if;
  v_id := v_sub::uuid;
  select u.role into v_actual from app_public.users u where u.id = v_id;
  if not found then
    raise exception 'token subject % is not a user', v_id using errcode = 'TOKEN';
  end if;
  if v_role is distinct from v_actual::text then
    raise exception 'token role "%" does not match the role of user % (%)', coalesce(v_role, ''), v_id, v_actual
      using errcode = 'TOKEN';
  end if;
  return v_id;
end;
$$;
comment on function app_hidden.current_user_id() is
  'The signed-in user''s id, or null without a token; raises TOKEN for a token that does not match a user.';

create function app_hidden.current_user_is_admin() returns boolean
  language sql stable security definer
  set search_path = pg_catalog
as $$
  select coalesce((select u.role = 'admin' from app_public.users u where u.id = app_hidden.current_user_id()), false)
$$;
comment on function app_hidden.current_user_is_admin() is 'Whether the signed-in user is an admin.';

-- The signed-in user. Security definer because the visitor may not select every column.
create function app_public."current_user"() returns app_public.users
  language sql stable security definer
  set search_path = pg_catalog
as $$
  select u.* from app_public.users u where u.id = app_hidden.current_user_id()
$$;
comment on function app_public."current_user"() is 'The signed-in user, or null without a token.';

-- The signed-in user, or LOGIN. For mutations.
create function app_hidden.require_user() returns app_public.users
  language plpgsql stable security definer
  set search_path = pg_catalog
as $$
declare
  v_user app_public.users;
begin
  select u.* into v_user from app_public.users u where u.id = app_hidden.current_user_id();
  if not found then
    raise exception 'sign in first: send Authorization: Bearer <token>' using errcode = 'LOGIN';
  end if;
  return v_user;
end;
$$;
comment on function app_hidden.require_user() is 'The signed-in user; raises LOGIN without one.';

-- The signed-in admin; DENYD for anyone else (LOGIN without a user). The admin API starts with it.
create function app_hidden.require_admin() returns app_public.users
  language plpgsql stable security definer
  set search_path = pg_catalog
as $$
declare
  v_me app_public.users := app_hidden.require_user();
begin
  if v_me.role <> 'admin' then
    raise exception 'admins only' using errcode = 'DENYD';
  end if;
  return v_me;
end;
$$;

-- Contact data is the user's own and admins': the visitor role has no SELECT on users.email and
-- users.phone and reads them through these functions of the row's id, which decide per caller.
-- Functions that read through are volatile so that they see rows written earlier in the same
-- statement: a mutation's payload is read in the statement that called the mutation. Each joins
-- the caller's own row (v) once: one validated look-up of who is asking per call.
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

grant execute on function app_hidden.current_user_id() to schoolbell_visitor;
grant execute on function app_hidden.current_user_is_admin() to schoolbell_visitor;
grant execute on function app_hidden.time_is_usable(timestamptz) to schoolbell_visitor;
grant execute on function app_hidden.check_time(text, timestamptz) to schoolbell_visitor;
grant execute on function app_hidden.user_email(uuid) to schoolbell_visitor;
grant execute on function app_hidden.user_phone(uuid) to schoolbell_visitor;
grant execute on function app_public."current_user"() to schoolbell_visitor;
grant select (id, name, role, time_zone, created_at, updated_at) on app_public.users to schoolbell_visitor;
