-- Schemas, the role GraphQL requests run as, and who may execute what.
--
-- app_public   what PostGraphile exposes to frontends (tables, views, functions)
-- app_hidden   usable by requests, never exposed as GraphQL
-- app_private  secrets, trigger functions, bookkeeping; requests cannot touch it
--
-- Roles are cluster-wide, so they are created only when missing: several schoolbell
-- databases (tests, staging) may share one server.
--
-- These files were squashed once, before the first deployment (0.2): each SQL object is created
-- once, in its final form, in the file of its topic. From 0018 on, migrations are forward-only
-- again, and one that replaces an earlier object names it in its header.
--
-- Error codes our SQL raises on purpose: five letters, each one of the `domain` codes of
-- ERROR_CODES in src/db/errors.ts, the one list (with their meanings; the README's Errors table
-- lists the same). test/registries.test.ts fails on an errcode here that is not in it.
--
-- Comments are the GraphQL documentation; the smart tags in them (read by PostGraphile) are:
--   @notNull   on a composite type's column or a function: the value is never null;
--              on a foreign key: the related row is always there for whoever sees this one.
--   @value     on an enum type, once per label: `<label>: <description>` (src/http/conventions.ts).
--   @arg       on a function, once per argument: `<graphqlName>: <description>` (src/http/conventions.ts).
--   @readThrough  on a column the visitor role may not select: the app_hidden function of the
--              row's id that reads it per caller (src/http/masked-columns.ts).
-- and PostGraphile's own (@behavior, @fieldName, @foreignFieldName, @resultFieldName, ...).

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'schoolbell_visitor') then
    create role schoolbell_visitor nologin;
  end if;
end
$$;

comment on role schoolbell_visitor is
  'Role every GraphQL request runs as; row-level security decides what it sees.';

-- GraphQL requests switch to schoolbell_visitor; the service's own login must be allowed to.
do $$
begin
  execute format('grant schoolbell_visitor to %I', current_user);
end
$$;

create schema if not exists app_public;
create schema if not exists app_hidden;
create schema if not exists app_private;

comment on schema app_public is 'Tutoring bookings: what the GraphQL API serves.';
comment on schema app_hidden is 'Helpers requests may use but GraphQL does not expose.';
comment on schema app_private is 'Internals: bookkeeping, trigger functions, secrets.';

grant usage on schema app_public to schoolbell_visitor;
grant usage on schema app_hidden to schoolbell_visitor;

-- The exclusion constraints on bookings (a tutor's sessions, a student's requests) need it.
create extension if not exists btree_gist;

-- Functions are executable by PUBLIC by default; grant them one by one instead.
alter default privileges revoke execute on functions from public;

-- The visitor role executes exactly what requests need, granted beside each function. Start from
-- nothing: this takes graphile_worker's functions (executable by PUBLIC since its own migrations,
-- which run before these files) and btree_gist's away from requests.
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
