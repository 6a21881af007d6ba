-- For the admin page: a booking's pending jobs (its timers and its reminders' deliveries), and the
-- relations from bookings and users to their notifications.

create function app_public.bookings_timers(booking app_public.bookings) returns setof app_public.job
  language plpgsql stable security definer
  set search_path = pg_catalog
as $$
begin
  perform app_hidden.require_admin();
  return query
    select (app_private.to_job(s)).*
    from app_private.job_states s
    where s.key like 'booking:' || booking.id || ':%'
       or s.key in (select 'notification:' || n.id from app_public.notifications n where n.booking_id = booking.id)
    order by s.run_at, s.id;
end;
$$;
comment on function app_public.bookings_timers(app_public.bookings) is
  'Admins: the booking''s pending jobs, its timers (booking:<id>:...) and its reminders'' deliveries, by run_at.';
grant execute on function app_public.bookings_timers(app_public.bookings) to schoolbell_visitor;

-- PostGraphile offers a backward relation only where an index can serve it: booking.reminders
-- and user.scheduledNotifications need these (the reminder key is a partial index).
create index notifications_booking_idx on app_public.notifications (booking_id);
create index notifications_scheduled_by_idx on app_public.notifications (scheduled_by_id);
