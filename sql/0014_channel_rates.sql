-- Rate limits per notification channel (README, Channels and the delivery guarantee), shared by
-- every replica: one row per limited or slowed-down channel. Before a delivery the sender asks
-- in one short statement, outside the transaction that sends (which would otherwise hold the
-- channel's row for as long as the gateway takes), whether it may deliver now; when it may
-- not, its job moves to a later slot, with the slot in its payload, and the job that ran ends
-- successfully: waiting is not an attempt, neither the job's nor the notification's. The rate
-- itself is each process's CHANNEL_RATES, passed by the sender (src/config.ts); replicas share
-- one configuration.
--
-- Two clocks per channel. next_at spreads the waiting deliveries out: each that cannot go now
-- takes the next slot, one spacing after the last one taken, so that 500 due at once are moved
-- to 500 different times. sent_next_at guards the rate itself: a delivery goes only when the
-- channel's previous delivery went at least one spacing ago, and moves it on. A job that runs
-- late (workers busy, a replica restarting) therefore never bunches up with punctual ones: if
-- the channel delivered meanwhile it takes a new slot; and as sent_next_at moves only when
-- something is delivered, late jobs never keep each other waiting for ever.

create table app_private.channel_rates (
  channel app_public.notification_channel primary key,
  next_at timestamptz not null default '-infinity',
  sent_next_at timestamptz not null default '-infinity',
  blocked_until timestamptz not null default '-infinity',
  updated_at timestamptz not null default now()
);
alter table app_private.channel_rates enable row level security;
comment on table app_private.channel_rates is
  'Per channel: the next slot a waiting delivery takes (next_at), the earliest the next delivery may go at its rate (sent_next_at, CHANNEL_RATES) and until when a gateway''s 429 holds it back.';

-- A delivery's job moved to a slot: notification_job_spec with the slot in the payload, so that
-- the job knows it has waited its turn once it runs.
create function app_private.notification_slot_job_spec(id uuid, slot timestamptz)
  returns graphile_worker.job_spec
  language sql stable
as $$
  select (s.identifier, (s.payload::jsonb || pg_catalog.jsonb_build_object('slot', slot))::json,
    s.queue_name, s.run_at, s.max_attempts, s.job_key, s.priority, s.flags)::graphile_worker.job_spec
    from app_private.notification_job_spec(id, slot) s
$$;
comment on function app_private.notification_slot_job_spec(uuid, timestamptz) is
  'The job spec of a notification''s delivery moved to a rate-limit slot (notification_job_spec, the slot in the payload).';

-- Null: deliver now. Otherwise the time the delivery's job was moved to. spacings maps a
-- channel to the interval between two of its deliveries (a channel not in it is not limited,
-- only held back by a 429). `reserved` is the slot a moved job took (null on its first run): it
-- has waited its turn, so it goes as soon as the channel's rate allows, whereas a delivery on
-- its first run also waits behind those already waiting. Anything 10 ms away counts as now.
create function app_private.take_delivery_slot(id uuid, spacings jsonb, reserved timestamptz default null)
  returns timestamptz
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_now timestamptz := clock_timestamp();
  v_due timestamptz := v_now + interval '10 milliseconds';
  v_channel app_public.notification_channel;
  v_spacing interval;
  v_rate app_private.channel_rates;
  v_slot timestamptz;
begin
  select n.channel into v_channel from app_public.notifications n
   where n.id = take_delivery_slot.id and n.state = 'pending' and n.run_at <= v_now + interval '1 second';
  if not found then
    -- Gone, done, or moved later (its own job will come): the sender finds out and returns quietly.
    return null;
  end if;
  v_spacing := (spacings ->> v_channel::text)::interval;
  if v_spacing is null then
    -- Not limited: only a gateway's 429 holds it back.
    select greatest(r.blocked_until, v_now) into v_slot from app_private.channel_rates r where r.channel = v_channel;
    if v_slot is null or v_slot <= v_due then
      return null;
    end if;
  else
    insert into app_private.channel_rates (channel) values (v_channel) on conflict (channel) do nothing;
    select * into v_rate from app_private.channel_rates r where r.channel = v_channel for update;
    if v_rate.blocked_until <= v_due and v_rate.sent_next_at <= v_due
       and (reserved is not null or v_rate.next_at <= v_due) then
      update app_private.channel_rates r
         set sent_next_at = greatest(r.sent_next_at, v_now) + v_spacing,
             next_at = case when reserved is null then greatest(r.next_at, v_now) + v_spacing else r.next_at end,
             updated_at = v_now
       where r.channel = v_channel;
      return null;
    end if;
    v_slot := greatest(v_rate.next_at, v_rate.sent_next_at, v_rate.blocked_until, v_now);
    update app_private.channel_rates r set next_at = v_slot + v_spacing, updated_at = v_now
     where r.channel = v_channel;
  end if;
  perform graphile_worker.add_jobs(array[app_private.notification_slot_job_spec(take_delivery_slot.id, v_slot)]);
  return v_slot;
end;
$$;
comment on function app_private.take_delivery_slot(uuid, jsonb, timestamptz) is
  'Asks whether a notification may be delivered now on its channel: null to deliver, or the time its job was moved to.';

-- A gateway answered 429: the channel waits until `until` (every replica's deliveries on it
-- too) and this notification's job moves there; no attempt is recorded.
create function app_private.block_channel(id uuid, until timestamptz) returns void
  language plpgsql volatile
  set search_path = pg_catalog
as $$
begin
  insert into app_private.channel_rates as r (channel, blocked_until)
  select n.channel, until from app_public.notifications n where n.id = block_channel.id
  on conflict (channel) do update
    set blocked_until = greatest(r.blocked_until, excluded.blocked_until), updated_at = now();
  perform graphile_worker.add_jobs(array[app_private.notification_job_spec(block_channel.id, until)]);
end;
$$;
comment on function app_private.block_channel(uuid, timestamptz) is
  'Holds a notification''s channel back until `until` (a gateway''s 429) and moves the notification''s job there.';
