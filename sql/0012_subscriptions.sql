-- Live booking events and notifications (README, Subscriptions). Every booking_events row is announced with
-- pg_notify, in the transaction that writes it (so only once it commits), on the topics of the
-- people who may see it: its student's and its tutor's (schoolbell:user:<id>) and the admins'
-- (schoolbell:admin). The payload is the event's id and its booking's, nothing else: every
-- replica's GraphQL server LISTENs and, for each subscriber, fetches the row by id as that
-- subscriber under row-level security, so a notification never carries what RLS would hide.
-- A notification is announced the same way, on its recipient's schoolbell:notifications:<id>,
-- when it is made and whenever its state changes. app_private.subscription_topic is the one
-- place a topic is spelled.

create function app_private.subscription_topic(kind text, subject uuid default null) returns text
  language sql immutable
  set search_path = pg_catalog
as $$
  select 'schoolbell:' || kind || coalesce(':' || subject::text, '')
$$;
comment on function app_private.subscription_topic(text, uuid) is
  'A LISTEN/NOTIFY topic: schoolbell:user:<id> (a user''s booking events), schoolbell:admin (everyone''s), schoolbell:notifications:<id> (a user''s notifications).';

create function app_private.tg_booking_events__notify() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_payload text := json_build_object('id', new.id, 'bookingId', new.booking_id)::text;
  v_student uuid;
  v_tutor uuid;
begin
  select b.student_id, b.tutor_id into v_student, v_tutor
  from app_public.bookings b where b.id = new.booking_id;
  perform pg_notify(app_private.subscription_topic('user', v_student), v_payload);
  perform pg_notify(app_private.subscription_topic('user', v_tutor), v_payload);
  perform pg_notify(app_private.subscription_topic('admin'), v_payload);
  return null;
end;
$$;
comment on function app_private.tg_booking_events__notify() is
  'Announces a booking event (its id and booking id) to its student, its tutor and the admins.';

create trigger _900_notify after insert on app_public.booking_events
  for each row execute function app_private.tg_booking_events__notify();

-- The topic a subscriber listens on, as the database knows them now (not as the token says):
-- the admins' topic for an admin, their own for anyone else, null without a sign-in.
create function app_hidden.booking_events_topic() returns text
  language sql stable security definer
  set search_path = pg_catalog
as $$
  select case
    when app_hidden.current_user_is_admin() then app_private.subscription_topic('admin')
    else app_private.subscription_topic('user', app_hidden.current_user_id())
  end
  where app_hidden.current_user_id() is not null
$$;
comment on function app_hidden.booking_events_topic() is
  'The LISTEN topic of the signed-in user''s booking events: schoolbell:admin for an admin, schoolbell:user:<id> otherwise; null when anonymous.';
grant execute on function app_hidden.booking_events_topic() to schoolbell_visitor;

create function app_private.tg_notifications__notify() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog
as $$
begin
  if tg_op = 'UPDATE' and old.state = new.state then
    return null;
  end if;
  perform pg_notify(
    app_private.subscription_topic('notifications', new.recipient_id),
    json_build_object('id', new.id)::text
  );
  return null;
end;
$$;
comment on function app_private.tg_notifications__notify() is
  'Announces a notification (its id) to its recipient when it is made and when its state changes.';

create trigger _900_notify after insert or update of state on app_public.notifications
  for each row execute function app_private.tg_notifications__notify();

-- The topic of the signed-in user's own notifications; null when anonymous.
create function app_hidden.my_notifications_topic() returns text
  language sql stable security definer
  set search_path = pg_catalog
as $$
  select app_private.subscription_topic('notifications', app_hidden.current_user_id())
  where app_hidden.current_user_id() is not null
$$;
comment on function app_hidden.my_notifications_topic() is
  'The LISTEN topic of the signed-in user''s notifications, schoolbell:notifications:<id>; null when anonymous.';
grant execute on function app_hidden.my_notifications_topic() to schoolbell_visitor;
