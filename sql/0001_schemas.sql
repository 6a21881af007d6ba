-- Schemas and the role GraphQL requests run as.
--
-- app_public   what PostGraphile exposes to frontends (tables, views, functions)
-- app_hidden   usable by requests, never exposed as GraphQL
-- app_private  secrets, trigger functions, bookkeeping; requests cannot touch it
--
-- Roles are cluster-wide, so they are created only when missing: several schoolbell
-- databases (tests, staging) may share one server.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'schoolbell_visitor') then
    create role schoolbell_visitor nologin;
  end if;
end
$$;

comment on role schoolbell_visitor is
  'Role every GraphQL request runs as; row-level security decides what it sees.';

create schema if not exists app_public;
create schema if not exists app_hidden;
create schema if not exists app_private;

comment on schema app_public is 'Tutoring bookings: what the GraphQL API serves.';
comment on schema app_hidden is 'Helpers requests may use but GraphQL does not expose.';
comment on schema app_private is 'Internals: bookkeeping, trigger functions, secrets.';

grant usage on schema app_public to schoolbell_visitor;
grant usage on schema app_hidden to schoolbell_visitor;

-- Functions are executable by PUBLIC by default; grant them one by one instead.
alter default privileges revoke execute on functions from public;
