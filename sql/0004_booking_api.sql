-- The booking API. PostGraphile turns each volatile function here into a mutation (named after
-- the function, its arguments as input fields) and each stable one into a query field. The
-- mutations run as the table owner, find who is asking themselves (no security definer function
-- trusts an identity its caller passes), and move bookings only through
-- app_private.transition_booking, so the state machine and the audit trail apply.

-- The booking, locked for update, if the signed-in user may see it; NTFND otherwise, so that
-- nobody learns which ids exist. Called by the security definer mutations, never by requests.
create function app_private.visible_booking_for_update(booking_id uuid) returns app_public.bookings
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_me app_public.users := app_hidden.require_user();
  v_booking app_public.bookings;
begin
  select b.* into v_booking from app_public.bookings b where b.id = visible_booking_for_update.booking_id for update;
  if not found or (v_me.role <> 'admin' and v_me.id not in (v_booking.student_id, v_booking.tutor_id)) then
    raise exception 'booking % not found', visible_booking_for_update.booking_id using errcode = 'NTFND';
  end if;
  return v_booking;
end;
$$;
comment on function app_private.visible_booking_for_update(uuid) is
  'The booking, locked, if the signed-in user may see it; NTFND otherwise.';

create function app_private.check_session_times(starts_at timestamptz, ends_at timestamptz) returns void
  language plpgsql stable
  set search_path = pg_catalog
as $$
declare
  v_horizon interval := app_private.setting_interval('booking_horizon');
begin
  if not isfinite(starts_at) or not isfinite(ends_at) then
    raise exception 'startsAt and endsAt must be real times, not infinity' using errcode = 'BADIN';
  end if;
  perform app_hidden.check_time('startsAt', starts_at);
  perform app_hidden.check_time('endsAt', ends_at);
  if ends_at <= starts_at then
    raise exception 'endsAt (%) must be after startsAt (%)', ends_at, starts_at using errcode = 'BADIN';
  end if;
  if ends_at - starts_at > interval '24 hours' then
    raise exception 'a session lasts at most 24 hours (got %)', ends_at - starts_at using errcode = 'BADIN';
  end if;
  if starts_at <= now() then
    raise exception 'startsAt (%) must lie in the future', starts_at using errcode = 'BADIN';
  end if;
  if starts_at > now() + v_horizon then
    raise exception 'startsAt (%) is too far ahead: sessions start within BOOKING_HORIZON (%) from now', starts_at, v_horizon
      using errcode = 'BADIN';
  end if;
end;
$$;
comment on function app_private.check_session_times(timestamptz, timestamptz) is
  'Raises BADIN unless [starts_at, ends_at) is a real session: in order, at most a day, in the future, within BOOKING_HORIZON.';

-- Which error an exclusion violation on bookings is, from the constraint's name.
create function app_private.raise_booking_conflict(constraint_name text, starts_at timestamptz, ends_at timestamptz)
  returns void
  language plpgsql stable
  set search_path = pg_catalog
as $$
begin
  if constraint_name = 'bookings_no_duplicate_request' then
    raise exception 'you already have an open request with this tutor overlapping % – %', starts_at, ends_at
      using errcode = 'DUPRQ';
  end if;
  raise exception 'the tutor already has a session overlapping % – %', starts_at, ends_at using errcode = 'OVLAP';
end;
$$;
comment on function app_private.raise_booking_conflict(text, timestamptz, timestamptz) is
  'Raises DUPRQ or OVLAP for an exclusion violation on app_public.bookings, by constraint.';

create function app_public.request_booking(
  tutor_id uuid,
  starts_at timestamptz,
  ends_at timestamptz,
  subject text
) returns app_public.bookings
  language plpgsql volatile security definer
  set search_path = pg_catalog
as $$
declare
  v_me app_public.users := app_hidden.require_user();
  v_subject text := btrim(request_booking.subject);
  v_booking app_public.bookings;
  v_constraint text;
begin
  if v_me.role <> 'student' then
    raise exception 'only students request bookings (you are %)', v_me.role using errcode = 'DENYD';
  end if;
  if not exists (select 1 from app_public.users u where u.id = request_booking.tutor_id and u.role = 'tutor') then
    raise exception 'no tutor with id %', request_booking.tutor_id using errcode = 'NTFND';
  end if;
  perform app_private.check_session_times(request_booking.starts_at, request_booking.ends_at);
  if v_subject = '' or length(v_subject) > 200 then
    raise exception 'subject must have 1 to 200 characters (got %)', length(v_subject) using errcode = 'BADIN';
  end if;
  perform app_private.set_actor(app_private.actor('user', v_me.id::text));
  begin
    insert into app_public.bookings (student_id, tutor_id, subject, starts_at, ends_at)
    values (v_me.id, request_booking.tutor_id, v_subject, request_booking.starts_at, request_booking.ends_at)
    returning * into v_booking;
  exception when exclusion_violation then
    get stacked diagnostics v_constraint = constraint_name;
    perform app_private.raise_booking_conflict(v_constraint, request_booking.starts_at, request_booking.ends_at);
  end;
  perform app_private.set_actor(null);
  return v_booking;
end;
$$;

-- A user's move of a booking, audited as them, with an optional reason (at most 1000
-- characters; a blank one is none): what accept, decline and cancel share once they have checked
-- who may make the move.
create function app_private.move_booking_as_user(
  booking_id uuid, to_state app_public.booking_state, user_id uuid, reason text default null
) returns app_public.bookings
  language plpgsql volatile
  set search_path = pg_catalog
as $$
begin
  if length(move_booking_as_user.reason) > 1000 then
    raise exception 'reason must have at most 1000 characters' using errcode = 'BADIN';
  end if;
  return app_private.transition_booking(move_booking_as_user.booking_id, move_booking_as_user.to_state,
    app_private.actor('user', move_booking_as_user.user_id::text), nullif(btrim(move_booking_as_user.reason), ''));
end;
$$;
comment on function app_private.move_booking_as_user(uuid, app_public.booking_state, uuid, text) is
  'Moves a booking for a user who may, audited as them, with an optional reason of at most 1000 characters.';

create function app_public.accept_booking(booking_id uuid) returns app_public.bookings
  language plpgsql volatile security definer
  set search_path = pg_catalog
as $$
declare
  v_me app_public.users := app_hidden.require_user();
  v_booking app_public.bookings := app_private.visible_booking_for_update(accept_booking.booking_id);
begin
  if v_me.role <> 'admin' and v_me.id <> v_booking.tutor_id then
    raise exception 'only the tutor accepts a booking' using errcode = 'DENYD';
  end if;
  return app_private.move_booking_as_user(v_booking.id, 'scheduled', v_me.id);
end;
$$;

create function app_public.decline_booking(booking_id uuid, reason text default null) returns app_public.bookings
  language plpgsql volatile security definer
  set search_path = pg_catalog
as $$
declare
  v_me app_public.users := app_hidden.require_user();
  v_booking app_public.bookings := app_private.visible_booking_for_update(decline_booking.booking_id);
begin
  if v_me.role <> 'admin' and v_me.id <> v_booking.tutor_id then
    raise exception 'only the tutor declines a booking; a student cancels it' using errcode = 'DENYD';
  end if;
  return app_private.move_booking_as_user(v_booking.id, 'declined', v_me.id, decline_booking.reason);
end;
$$;

create function app_public.cancel_booking(booking_id uuid, reason text default null) returns app_public.bookings
  language plpgsql volatile security definer
  set search_path = pg_catalog
as $$
declare
  v_me app_public.users := app_hidden.require_user();
  v_booking app_public.bookings := app_private.visible_booking_for_update(cancel_booking.booking_id);
begin
  if v_booking.state = 'requested' and v_me.role = 'tutor' then
    raise exception 'a tutor declines a request rather than cancelling it' using errcode = 'DENYD';
  end if;
  return app_private.move_booking_as_user(v_booking.id, 'cancelled', v_me.id, cancel_booking.reason);
end;
$$;

create function app_public.reschedule_booking(booking_id uuid, starts_at timestamptz, ends_at timestamptz)
  returns app_public.bookings
  language plpgsql volatile security definer
  set search_path = pg_catalog
as $$
declare
  v_me app_public.users := app_hidden.require_user();
  v_booking app_public.bookings := app_private.visible_booking_for_update(reschedule_booking.booking_id);
  v_constraint text;
begin
  if v_booking.state <> 'scheduled' then
    raise exception 'only a scheduled booking can be rescheduled; booking % is %', v_booking.id, v_booking.state
      using errcode = 'ILLTR';
  end if;
  perform app_private.check_session_times(reschedule_booking.starts_at, reschedule_booking.ends_at);
  perform app_private.set_actor(app_private.actor('user', v_me.id::text));
  begin
    update app_public.bookings b
      set starts_at = reschedule_booking.starts_at, ends_at = reschedule_booking.ends_at
      where b.id = v_booking.id
      returning b.* into v_booking;
  exception when exclusion_violation then
    get stacked diagnostics v_constraint = constraint_name;
    perform app_private.raise_booking_conflict(v_constraint, reschedule_booking.starts_at, reschedule_booking.ends_at);
  end;
  perform app_private.set_actor(null);
  return v_booking;
end;
$$;

comment on function app_public.request_booking(uuid, timestamptz, timestamptz, text) is E'@arg tutorId: The tutor asked for the session.\n@arg startsAt: When the session would start (in the future, within BOOKING_HORIZON).\n@arg endsAt: When it would end (after startsAt, at most 24 hours later).\n@arg subject: What the session is about.\n@resultFieldName booking\n@notNull\nA student asks a tutor for a session. The request expires after REQUEST_TTL, or at its start if sooner, unless the tutor answers.';
comment on function app_public.accept_booking(uuid) is E'@arg bookingId: The requested booking to accept.\n@resultFieldName booking\n@notNull\nThe tutor accepts a requested booking: it becomes scheduled.';
comment on function app_public.decline_booking(uuid, text) is E'@arg bookingId: The requested booking to decline.\n@arg reason: Why, shown to the student; optional.\n@resultFieldName booking\n@notNull\nThe tutor turns a requested booking down, optionally saying why.';
comment on function app_public.cancel_booking(uuid, text) is E'@arg bookingId: The booking to cancel.\n@arg reason: Why, shown to the other party; optional.\n@resultFieldName booking\n@notNull\nCancels a booking: a request (by its student), or a scheduled session before it starts (by either party).';
comment on function app_public.reschedule_booking(uuid, timestamptz, timestamptz) is E'@arg bookingId: The scheduled booking to move.\n@arg startsAt: Its new start (in the future, within BOOKING_HORIZON).\n@arg endsAt: Its new end (after startsAt, at most 24 hours later).\n@resultFieldName booking\n@notNull\nMoves a scheduled session to another time, before it starts; either party may. It stays scheduled.';

grant execute on function app_public.request_booking(uuid, timestamptz, timestamptz, text) to schoolbell_visitor;
grant execute on function app_public.accept_booking(uuid) to schoolbell_visitor;
grant execute on function app_public.decline_booking(uuid, text) to schoolbell_visitor;
grant execute on function app_public.cancel_booking(uuid, text) to schoolbell_visitor;
grant execute on function app_public.reschedule_booking(uuid, timestamptz, timestamptz) to schoolbell_visitor;
