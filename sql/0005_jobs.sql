-- Jobs: every deadline of a booking gets its own graphile-worker job, scheduled in the same
-- transaction that gives the booking that deadline; reminders are rows in an outbox, each with
-- the job that delivers it. The crontab's sweeps (app_private.sweep_bookings) are the safety
-- net for whatever has no live job.

insert into app_private.settings (name, value) values
  ('reminder_leads', '24 hours,15 minutes'),
  ('reminder_channel', 'log');

-- The worker asks for the next future job's run_at to wake exactly then; graphile-worker's own
-- indexes lead with priority, so give that question an index of its own.
create index schoolbell_jobs_next_run_idx on graphile_worker._private_jobs (run_at) where is_available;

create type app_public.notification_channel as enum ('log', 'webhook', 'email');
comment on type app_public.notification_channel is
  'How a notification is delivered: log (the service log), webhook (SMS and push gateways), email (SMTP).';

create type app_public.notification_state as enum ('pending', 'sent', 'failed', 'cancelled');
comment on type app_public.notification_state is 'Where a notification is: waiting, delivered, given up on, or cancelled.';

create table app_public.notifications (
  id uuid primary key default gen_random_uuid(),
  recipient_id uuid not null references app_public.users on delete cascade,
  booking_id uuid references app_public.bookings on delete cascade,
  lead interval,
  channel app_public.notification_channel not null,
  message text constraint notifications_message_length check (length(message) between 1 and 2000),
  run_at timestamptz not null,
  state app_public.notification_state not null default 'pending',
  attempts integer not null default 0,
  last_error text,
  sent_at timestamptz,
  scheduled_by_id uuid references app_public.users on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- A reminder belongs to a booking and has a lead; a custom notification has its own message.
  constraint notifications_reminder_or_message check (
    (booking_id is not null and lead is not null and message is null)
    or (booking_id is null and lead is null and message is not null)
  ),
  constraint notifications_sent_at check ((state = 'sent') = (sent_at is not null))
);
create unique index notifications_reminder_key on app_public.notifications (booking_id, recipient_id, lead)
  where booking_id is not null;
create index notifications_recipient_idx on app_public.notifications (recipient_id, run_at);
create index notifications_pending_idx on app_public.notifications (run_at) where state = 'pending';

comment on table app_public.notifications is
  E'@behavior -insert -update -delete\nThe outbox: one row per message to send. A booking''s reminders (one per recipient and lead) and notifications scheduled at runtime by admins.';
comment on column app_public.notifications.id is 'The notification''s id; with run_at, the idempotency key a channel receives.';
comment on column app_public.notifications.recipient_id is 'Who receives it.';
comment on column app_public.notifications.booking_id is 'The booking a reminder is about; null for a custom notification.';
comment on column app_public.notifications.lead is 'For a reminder: how long before the session it goes out.';
comment on column app_public.notifications.channel is 'How it is delivered.';
comment on column app_public.notifications.message is 'The text of a custom notification; a reminder''s text is written when it is sent.';
comment on column app_public.notifications.run_at is 'When it is due.';
comment on column app_public.notifications.state is 'pending, sent, failed (after the last attempt) or cancelled.';
comment on column app_public.notifications.attempts is 'Delivery attempts so far.';
comment on column app_public.notifications.last_error is 'Why the last attempt failed.';
comment on column app_public.notifications.sent_at is 'When the channel accepted it.';
comment on column app_public.notifications.scheduled_by_id is 'The admin who scheduled a custom notification.';
comment on column app_public.notifications.created_at is 'When it was created.';
comment on column app_public.notifications.updated_at is 'When it last changed.';
comment on constraint notifications_recipient_id_fkey on app_public.notifications is
  E'@fieldName recipient\n@foreignFieldName notifications';
comment on constraint notifications_booking_id_fkey on app_public.notifications is
  E'@fieldName booking\n@foreignFieldName reminders';
comment on constraint notifications_scheduled_by_id_fkey on app_public.notifications is
  E'@fieldName scheduledBy\n@foreignFieldName scheduledNotifications';

create trigger _100_timestamps before insert or update on app_public.notifications
  for each row execute function app_private.tg__timestamps();

alter table app_public.notifications enable row level security;
create policy select_visible on app_public.notifications for select to schoolbell_visitor using (
  recipient_id = (select app_hidden.current_user_id()) or (select app_hidden.current_user_is_admin())
);
grant select on app_public.notifications to schoolbell_visitor;

-- Schedules (or moves) the job that delivers a notification, keyed by the notification.
create function app_private.schedule_notification_job(notification app_public.notifications) returns void
  language sql volatile
  set search_path = pg_catalog
as $$
  select graphile_worker.add_job(
    'send_notification',
    json_build_object('notificationId', notification.id),
    run_at := notification.run_at,
    job_key := 'notification:' || notification.id,
    max_attempts := 25
  );
$$;
comment on function app_private.schedule_notification_job(app_public.notifications) is
  'Adds or moves the send_notification job of a notification (job key notification:<id>).';

-- Cancels a booking's pending reminders and removes their jobs.
create function app_private.cancel_reminders(booking_id uuid) returns void
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_id uuid;
begin
  for v_id in
    update app_public.notifications n set state = 'cancelled'
    where n.booking_id = cancel_reminders.booking_id and n.state = 'pending'
    returning n.id
  loop
    perform graphile_worker.remove_job('notification:' || v_id);
  end loop;
end;
$$;

-- Gives a scheduled booking one reminder per recipient and lead, due lead before starts_at; a
-- lead already past is skipped (and its pending reminder cancelled, after a reschedule). A
-- reminder that was sent for the old time goes out again for the new one.
create function app_private.schedule_reminders(booking app_public.bookings) returns void
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_lead interval;
  v_recipient uuid;
  v_notification app_public.notifications;
  v_channel app_public.notification_channel :=
    (select value::app_public.notification_channel from app_private.settings where name = 'reminder_channel');
begin
  for v_lead in
    select btrim(part)::interval
    from unnest(string_to_array((select value from app_private.settings where name = 'reminder_leads'), ',')) part
    where btrim(part) <> ''
  loop
    foreach v_recipient in array array[booking.student_id, booking.tutor_id] loop
      if booking.starts_at - v_lead <= now() then
        for v_notification in
          update app_public.notifications n set state = 'cancelled'
          where n.booking_id = booking.id and n.recipient_id = v_recipient and n.lead = v_lead and n.state = 'pending'
          returning n.*
        loop
          perform graphile_worker.remove_job('notification:' || v_notification.id);
        end loop;
        continue;
      end if;
      v_notification := null;
      insert into app_public.notifications as n (recipient_id, booking_id, lead, channel, run_at)
      values (v_recipient, booking.id, v_lead, v_channel, booking.starts_at - v_lead)
      on conflict (booking_id, recipient_id, lead) where booking_id is not null do update
        set run_at = excluded.run_at,
            state = 'pending',
            sent_at = null,
            attempts = 0,
            last_error = null
        where n.run_at is distinct from excluded.run_at
      returning n.* into v_notification;
      if v_notification.id is not null then
        perform app_private.schedule_notification_job(v_notification);
      end if;
    end loop;
  end loop;
end;
$$;
comment on function app_private.schedule_reminders(app_public.bookings) is
  'Creates or moves a scheduled booking''s reminders (outbox rows and their jobs).';

-- Keeps a booking's timers in step with it: exactly the jobs its state calls for, at its
-- deadlines. Called by the trigger below in the transaction that changes the booking.
create function app_private.sync_booking_timers(booking app_public.bookings) returns void
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_key text := 'booking:' || booking.id;
  v_payload json := json_build_object('bookingId', booking.id);
begin
  if booking.state = 'requested' then
    perform graphile_worker.add_job('expire_booking', v_payload, run_at := booking.expires_at,
      job_key := v_key || ':expire', max_attempts := 10);
  else
    perform graphile_worker.remove_job(v_key || ':expire');
  end if;

  if booking.state = 'scheduled' then
    perform graphile_worker.add_job('start_booking', v_payload, run_at := booking.starts_at,
      job_key := v_key || ':start', max_attempts := 10);
    perform app_private.schedule_reminders(booking);
  else
    perform graphile_worker.remove_job(v_key || ':start');
    perform app_private.cancel_reminders(booking.id);
  end if;

  if booking.state = 'active' then
    perform graphile_worker.add_job('end_booking', v_payload,
      run_at := booking.ends_at + app_private.setting_interval('end_grace'),
      job_key := v_key || ':end', max_attempts := 10);
  else
    perform graphile_worker.remove_job(v_key || ':end');
  end if;
end;
$$;
comment on function app_private.sync_booking_timers(app_public.bookings) is
  'Schedules the exact-time jobs (booking:<id>:expire|start|end) and reminders a booking''s state calls for, and removes the rest.';

create function app_private.tg_bookings__timers() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog
as $$
begin
  if tg_op = 'UPDATE' and new.state = old.state and new.starts_at = old.starts_at
    and new.ends_at = old.ends_at and new.expires_at = old.expires_at then
    return null;
  end if;
  perform app_private.sync_booking_timers(new);
  return null;
end;
$$;

create trigger _900_timers after insert or update on app_public.bookings
  for each row execute function app_private.tg_bookings__timers();

-- What an exact-time job does when it fires: move the booking if it is still in the state the
-- timer was set for and the deadline has come. A late, repeated or superseded timer finds the
-- booking moved on (or its deadline moved later) and does nothing. Returns what happened.
create function app_private.fire_booking_timer(booking_id uuid, to_state app_public.booking_state, actor text)
  returns text
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_booking app_public.bookings;
  v_from app_public.booking_state;
  v_due timestamptz;
begin
  v_from := case to_state
    when 'expired' then 'requested'
    when 'active' then 'scheduled'
    when 'ended' then 'active'
  end;
  if v_from is null then
    raise exception 'no timer moves a booking to %', to_state using errcode = 'BADIN';
  end if;
  select b.* into v_booking from app_public.bookings b where b.id = fire_booking_timer.booking_id for update;
  if not found then
    return 'gone';
  end if;
  if v_booking.state <> v_from then
    return 'moved on';
  end if;
  v_due := case to_state
    when 'expired' then v_booking.expires_at
    when 'active' then v_booking.starts_at
    else v_booking.ends_at + app_private.setting_interval('end_grace')
  end;
  if now() < v_due then
    return 'not due';
  end if;
  perform app_private.transition_booking(v_booking.id, to_state, actor);
  return 'moved';
end;
$$;
comment on function app_private.fire_booking_timer(uuid, app_public.booking_state, text) is
  'Runs one exact-time transition if it is still due; idempotent.';

-- One bounded batch of a sweep: moves up to batch_size overdue bookings to to_state in one
-- statement, skipping rows other transactions hold. Returns how many it moved; the caller
-- repeats, one transaction per batch, until a batch comes back short.
create function app_private.sweep_bookings(to_state app_public.booking_state, batch_size integer, actor text)
  returns integer
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_grace interval := app_private.setting_interval('end_grace');
  v_moved integer;
begin
  perform app_private.set_actor(actor);
  if to_state = 'expired' then
    update app_public.bookings b set state = 'expired'
    where b.id in (
      select id from app_public.bookings
      where state = 'requested' and expires_at <= now()
      order by expires_at limit batch_size for update skip locked
    );
  elsif to_state = 'active' then
    update app_public.bookings b set state = 'active'
    where b.id in (
      select id from app_public.bookings
      where state = 'scheduled' and starts_at <= now()
      order by starts_at limit batch_size for update skip locked
    );
  elsif to_state = 'ended' then
    update app_public.bookings b set state = 'ended'
    where b.id in (
      select id from app_public.bookings
      where state = 'active' and ends_at + v_grace <= now()
      order by ends_at limit batch_size for update skip locked
    );
  else
    raise exception 'no sweep moves bookings to %', to_state using errcode = 'BADIN';
  end if;
  get diagnostics v_moved = row_count;
  perform app_private.set_actor(null);
  return v_moved;
end;
$$;
comment on function app_private.sweep_bookings(app_public.booking_state, integer, text) is
  'One batch of a sweep: moves up to batch_size overdue bookings, skipping locked rows.';

-- A task whose payload can never parse fails at once instead of being retried 25 times.
-- graphile-worker 0.18 has no public call for failing the running job, so this sets its
-- max_attempts to the attempts it has made; the task then throws and the job is left failed
-- with its error.
create function app_private.give_up_job(job_id bigint) returns void
  language sql volatile
  set search_path = pg_catalog
as $$
  update graphile_worker._private_jobs set max_attempts = greatest(attempts, 1) where id = job_id;
$$;
comment on function app_private.give_up_job(bigint) is
  'Makes the running job''s coming failure permanent (no more retries).';

-- Notifications scheduled at runtime (an admin, or an agent acting as one): a message to a
-- user through a channel at a time. The API can enqueue this one task only.
create function app_public.schedule_notification(
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
  if not isfinite(schedule_notification.run_at) or schedule_notification.run_at < now() - interval '1 minute' then
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
comment on function app_public.schedule_notification(uuid, app_public.notification_channel, text, timestamptz) is
  E'@resultFieldName notification\nAdmins: send a message to a user through a channel at runAt (default now). Returns the notification, whose id is its handle.';

create function app_public.cancel_notification(id uuid) returns app_public.notifications
  language plpgsql volatile security definer
  set search_path = pg_catalog
as $$
declare
  v_me app_public.users := app_hidden.require_user();
  v_notification app_public.notifications;
begin
  if v_me.role <> 'admin' then
    raise exception 'only admins cancel notifications' using errcode = 'DENYD';
  end if;
  select n.* into v_notification from app_public.notifications n where n.id = cancel_notification.id for update;
  if not found then
    raise exception 'notification % not found', cancel_notification.id using errcode = 'NTFND';
  end if;
  if v_notification.state = 'cancelled' then
    return v_notification;
  end if;
  if v_notification.state <> 'pending' then
    raise exception 'notification % is already %', v_notification.id, v_notification.state using errcode = 'ILLTR';
  end if;
  update app_public.notifications n set state = 'cancelled' where n.id = v_notification.id returning n.* into v_notification;
  perform graphile_worker.remove_job('notification:' || v_notification.id);
  return v_notification;
end;
$$;
comment on function app_public.cancel_notification(uuid) is
  E'@resultFieldName notification\nAdmins: cancel a pending notification (a custom one or a reminder); cancelling twice is fine.';

grant execute on function app_public.schedule_notification(uuid, app_public.notification_channel, text, timestamptz)
  to schoolbell_visitor;
grant execute on function app_public.cancel_notification(uuid) to schoolbell_visitor;
