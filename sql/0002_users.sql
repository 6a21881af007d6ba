-- Users, the settings the database needs to know, and who the current request is.
--
-- Error codes raised here and in later files (five letters, listed in the README):
--   LOGIN  not signed in
--   TOKEN  the token names no user, or a role that is not the user's
--   DENYD  signed in, but not allowed to do this
--   NTFND  no such row, or not one you may see
--   BADIN  a bad argument
--   ILLTR  an illegal booking state transition
--   OVLAP  the tutor already has a session at that time

-- GraphQL requests switch to schoolbell_visitor; the service's own login must be allowed to.
do $$
begin
  execute format('grant schoolbell_visitor to %I', current_user);
end
$$;

-- Settings the database needs (durations from the service's config). The service writes them
-- at startup; the defaults here match its defaults.
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
  ('end_grace', '10 minutes');

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

create function app_private.is_time_zone(name text) returns boolean
  language sql stable
  set search_path = pg_catalog
as $$
  select exists (select 1 from pg_timezone_names where pg_timezone_names.name = is_time_zone.name)
$$;
comment on function app_private.is_time_zone(text) is 'Whether name is an IANA time zone Postgres knows.';

create type app_public.user_role as enum ('student', 'tutor', 'admin');
comment on type app_public.user_role is 'What a user is on the platform.';

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
comment on column app_public.users.email is 'Email address, unique regardless of case.';
comment on column app_public.users.phone is 'Phone number for SMS reminders, if any.';
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

create function app_public."current_user"() returns app_public.users
  language sql stable
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

grant execute on function app_hidden.current_user_id() to schoolbell_visitor;
grant execute on function app_hidden.current_user_is_admin() to schoolbell_visitor;
grant execute on function app_hidden.require_user() to schoolbell_visitor;
grant execute on function app_public."current_user"() to schoolbell_visitor;
