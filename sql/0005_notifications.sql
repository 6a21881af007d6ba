-- Notifications: an outbox. A booking's reminders and the messages admins schedule at runtime
-- are rows here, each with the graphile-worker job that delivers it (job key notification:<id>),
-- added in the same transaction as the row. The requeue_notifications sweep is the safety net
-- for a pending row whose job is gone.

create type app_public.notification_channel as enum ('log', 'webhook', 'email');
comment on type app_public.notification_channel is E'@value log: Written to the service log.\n@value webhook: Posted to the configured gateway (SMS, push).\n@value email: Sent by SMTP.\nHow a notification is delivered: log (the service log), webhook (SMS and push gateways), email (SMTP).';

create type app_public.notification_state as enum ('pending', 'sent', 'failed', 'cancelled');
comment on type app_public.notification_state is E'@value pending: Waiting for its run_at, or for another attempt.\n@value sent: The channel accepted it.\n@value failed: Given up on after the last attempt.\n@value cancelled: Called off before it was sent.\nWhere a notification is: waiting, delivered, given up on, or cancelled.';

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
  constraint notifications_sent_at check ((state = 'sent') = (sent_at is not null)),
  -- Times the service can handle (app_hidden.time_is_usable).
  constraint notifications_times_usable check (
    app_hidden.time_is_usable(run_at) and (sent_at is null or app_hidden.time_is_usable(sent_at))
  )
);
create unique index notifications_reminder_key on app_public.notifications (booking_id, recipient_id, lead)
  where booking_id is not null;
create index notifications_recipient_idx on app_public.notifications (recipient_id, run_at);
create index notifications_pending_idx on app_public.notifications (run_at) where state = 'pending';
-- PostGraphile offers a backward relation only where an index can serve it: booking.reminders
-- and user.scheduledNotifications need these (the reminder key is a partial index).
create index notifications_booking_idx on app_public.notifications (booking_id);
create index notifications_scheduled_by_idx on app_public.notifications (scheduled_by_id);

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
comment on column app_public.notifications.sent_at is 'When the channel accepted it.';
comment on column app_public.notifications.created_at is 'When it was created.';
comment on column app_public.notifications.updated_at is 'When it last changed.';
comment on column app_public.notifications.last_error is
  E'@readThrough app_hidden.notification_last_error\n@behavior -orderBy -filterBy\nWhy the last attempt failed; admins only (null for anyone else).';
comment on column app_public.notifications.scheduled_by_id is
  E'@readThrough app_hidden.notification_scheduled_by_id\n@behavior -orderBy -filterBy\nThe admin who scheduled a custom notification; admins only (null for anyone else).';
comment on constraint notifications_recipient_id_fkey on app_public.notifications is E'@fieldName recipient\n@foreignFieldName notifications\n@notNull\nWho receives it.';
comment on constraint notifications_booking_id_fkey on app_public.notifications is
  E'@fieldName booking\n@foreignFieldName reminders';
-- Which notifications an admin scheduled is for admins: GraphQL has no list by scheduler (admins
-- filter notifications otherwise), only the link to the admin.
comment on constraint notifications_scheduled_by_id_fkey on app_public.notifications is
  E'@fieldName scheduledBy\n@foreignFieldName scheduledNotifications\n@backwardBehavior -*';
comment on constraint notifications_times_usable on app_public.notifications is
  'run_at and sent_at lie between 1900 and 9999.';

create trigger _100_timestamps before insert or update on app_public.notifications
  for each row execute function app_private.tg__timestamps();

alter table app_public.notifications enable row level security;
create policy select_visible on app_public.notifications for select to schoolbell_visitor using (
  recipient_id = (select app_hidden.current_user_id()) or (select app_hidden.current_user_is_admin())
);
-- A notification's last_error (it can hold a gateway's URL and answer) and who scheduled it are
-- for admins: the visitor reads them through the functions below.
grant select (id, recipient_id, booking_id, lead, channel, message, run_at, state, attempts, sent_at, created_at, updated_at)
  on app_public.notifications to schoolbell_visitor;

-- The job that delivers a notification, keyed by the notification: the one place its key
-- (notification:<id>), task, payload and attempts are spelled. Plain SQL without a SET clause, so
-- that Postgres inlines them into the set-wise queries of sql/0006_timers.sql; the built-ins they
-- call are in pg_catalog, which is searched first whatever the search_path.
create function app_private.notification_job_key(id uuid) returns text
  language sql stable
as $$
  select 'notification:' || id
$$;
comment on function app_private.notification_job_key(uuid) is
  'The job key of a notification''s delivery: notification:<id>.';

create function app_private.notification_job_spec(id uuid, run_at timestamptz) returns graphile_worker.job_spec
  language sql stable
as $$
  select ('send_notification', pg_catalog.json_build_object('notificationId', id), null, run_at, 25,
    app_private.notification_job_key(id), null, null)::graphile_worker.job_spec
$$;
comment on function app_private.notification_job_spec(uuid, timestamptz) is
  'The graphile-worker job spec of a notification''s delivery at run_at (send_notification, keyed notification:<id>).';

-- Schedules (or moves) the job that delivers a notification (graphile_worker.add_job does the
-- same with one spec).
create function app_private.schedule_notification_job(notification app_public.notifications) returns void
  language sql volatile
  set search_path = pg_catalog
as $$
  select graphile_worker.add_jobs(array[app_private.notification_job_spec(notification.id, notification.run_at)]);
$$;
comment on function app_private.schedule_notification_job(app_public.notifications) is
  'Adds or moves the send_notification job of a notification (job key notification:<id>).';

-- What one delivery attempt records, in the sender's transaction (tasks/send_notification.ts): the
-- notification sent (error null), or failed with its error, either to be retried at retry_at (it
-- stays pending and its job moves there: the running job is superseded) or, without retry_at,
-- for good.
create function app_private.record_notification_attempt(id uuid, error text, retry_at timestamptz default null)
  returns void
  language plpgsql volatile
  set search_path = pg_catalog
as $$
begin
  if error is null then
    update app_public.notifications n
       set state = 'sent', sent_at = now(), attempts = n.attempts + 1, last_error = null
     where n.id = record_notification_attempt.id;
    return;
  end if;
  update app_public.notifications n
     set attempts = n.attempts + 1, last_error = error,
         state = case when retry_at is null then 'failed' else 'pending' end::app_public.notification_state
   where n.id = record_notification_attempt.id;
  if retry_at is not null then
    perform graphile_worker.add_jobs(array[app_private.notification_job_spec(record_notification_attempt.id, retry_at)]);
  end if;
end;
$$;
comment on function app_private.record_notification_attempt(uuid, text, timestamptz) is
  'Records a delivery attempt: sent (error null), or failed, retried at retry_at (its job moved there) or for good.';

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
comment on function app_public.schedule_notification(uuid, app_public.notification_channel, text, timestamptz) is E'@arg recipientId: The user who receives it.\n@arg channel: How it is delivered.\n@arg message: Its text, 1 to 2000 characters.\n@arg runAt: When to send it; now when omitted.\n@resultFieldName notification\n@notNull\nAdmins: send a message to a user through a channel at runAt (default now). Returns the notification, whose id is its handle.';

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
  perform graphile_worker.remove_job(app_private.notification_job_key(v_notification.id));
  return v_notification;
end;
$$;
comment on function app_public.cancel_notification(uuid) is E'@arg id: The notification to cancel.\n@resultFieldName notification\n@notNull\nAdmins: cancel a pending notification (a custom one or a reminder); cancelling twice is fine.';

-- Read through by the columns' @readThrough tags; volatile, like app_hidden.user_email.
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

-- Safety net for the outbox: a pending notification that is due and has no job (its job was
-- cancelled, or lost with a restored backup) gets one again.
create function app_private.requeue_notifications(batch_size integer) returns integer
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_count integer := 0;
  v_notification app_public.notifications;
begin
  for v_notification in
    select n.* from app_public.notifications n
    where n.state = 'pending' and n.run_at <= now()
      and not exists (select 1 from graphile_worker._private_jobs j where j.key = app_private.notification_job_key(n.id))
    order by n.run_at limit batch_size
    for update skip locked
  loop
    perform app_private.schedule_notification_job(v_notification);
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;
comment on function app_private.requeue_notifications(integer) is
  'Gives due pending notifications without a job a new send_notification job.';

grant execute on function app_hidden.notification_last_error(uuid) to schoolbell_visitor;
grant execute on function app_hidden.notification_scheduled_by_id(uuid) to schoolbell_visitor;
grant execute on function app_public.schedule_notification(uuid, app_public.notification_channel, text, timestamptz)
  to schoolbell_visitor;
grant execute on function app_public.cancel_notification(uuid) to schoolbell_visitor;
