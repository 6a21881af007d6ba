-- users.time_zone was checked against pg_timezone_names, which reads every zone file on each
-- call (about 10 ms): slow for bulk imports of users. Keep the names in a table instead, read
-- once here; a migration refreshes it when Postgres's zone data changes.

create table app_private.time_zones (name text primary key);
comment on table app_private.time_zones is 'The IANA time zone names Postgres knew when this was last refreshed.';
insert into app_private.time_zones (name) select name from pg_timezone_names on conflict do nothing;
alter table app_private.time_zones enable row level security;

create or replace function app_private.is_time_zone(name text) returns boolean
  language sql stable
  set search_path = pg_catalog
as $$
  select exists (select 1 from app_private.time_zones z where z.name = is_time_zone.name)
$$;
