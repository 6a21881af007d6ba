-- A switch for the exact-time timers: app_private.settings 'booking_timers' = 'off' makes
-- booking changes schedule no jobs (a bulk import, a benchmark of what the timers cost). The
-- sweeps still move every booking, at their coarser pace. Turn it back on with 'on'; bookings
-- changed meanwhile get timers on their next change, and are swept until then.

insert into app_private.settings (name, value) values ('booking_timers', 'on');

create or replace function app_private.tg_bookings__timers() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog
as $$
begin
  if tg_op = 'UPDATE' and new.state = old.state and new.starts_at = old.starts_at
    and new.ends_at = old.ends_at and new.expires_at = old.expires_at then
    return null;
  end if;
  if (select value from app_private.settings where name = 'booking_timers') = 'off' then
    return null;
  end if;
  perform app_private.sync_booking_timers(new);
  return null;
end;
$$;
