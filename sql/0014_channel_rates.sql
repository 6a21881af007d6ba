-- Rate limits per notification channel (README, Channels and the delivery guarantee), shared by
-- every replica: one row per limited or slowed-down channel holds its next free slot and how
-- long a gateway's 429 holds it back. Before a delivery the sender takes a slot in one short
-- statement, outside the transaction that sends (which would otherwise hold the channel's row
-- for as long as the gateway takes); a delivery whose slot is later moves its job there, with
-- the slot in its payload, and the job that ran ends successfully: waiting is not an attempt,
-- neither the job's nor the notification's. The rate itself is each process's CHANNEL_RATES,
-- passed by the sender (src/config.ts); replicas share one configuration.

create table app_private.channel_rates (
  channel app_public.notification_channel primary key,
  next_at timestamptz not null default '-infinity',
  blocked_until timestamptz not null default '-infinity',
  updated_at timestamptz not null default now()
);
alter table app_private.channel_rates enable row level security;
comment on table app_private.channel_rates is
  'Per channel: its next free delivery slot (CHANNEL_RATES) and until when a gateway''s 429 holds it back.';

-- A delivery's job moved to the slot it holds: notification_job_spec with the slot in the
-- payload, so that the job delivers when it runs instead of taking another slot, and `late`
-- when it took this slot because it ran too late for its first.
create function app_private.notification_slot_job_spec(id uuid, slot timestamptz, late boolean)
  returns graphile_worker.job_spec
  language sql stable
as $$
  select (s.identifier,
    (s.payload::jsonb || pg_catalog.jsonb_build_object('slot', slot)
      || case when late then '{"late": true}'::jsonb else '{}'::jsonb end)::json,
    s.queue_name, s.run_at, s.max_attempts, s.job_key, s.priority, s.flags)::graphile_worker.job_spec
    from app_private.notification_job_spec(id, slot) s
$$;
comment on function app_private.notification_slot_job_spec(uuid, timestamptz, boolean) is
  'The job spec of a notification''s delivery moved to its rate-limit slot (notification_job_spec, the slot in the payload).';

-- Null: deliver now. Otherwise the time the delivery's job was moved to. spacings maps a
-- channel to the interval between two of its deliveries (a channel not in it is not limited).
-- A slot at most 10 ms away counts as now. A job that holds a slot (reserved) delivers unless
-- a 429 has blocked the channel since, or it runs more than 50 ms after its slot: late jobs
-- (workers busy, a replica restarting) would otherwise bunch up with the punctual ones after
-- them, so it takes a new slot, once (late): a job late again delivers then, so that a
-- channel whose workers cannot keep up with its rate still delivers.
create function app_private.take_delivery_slot(id uuid, spacings jsonb, reserved timestamptz default null,
  late boolean default false)
  returns timestamptz
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_now timestamptz := clock_timestamp();
  v_due timestamptz := v_now + interval '10 milliseconds';
  v_channel app_public.notification_channel;
  v_spacing interval;
  v_slot timestamptz;
  -- Held a slot and ran more than 50 ms after it (or had done so once already).
  v_late boolean := reserved is not null and (late or reserved < v_now - interval '50 milliseconds');
begin
  select n.channel into v_channel from app_public.notifications n
   where n.id = take_delivery_slot.id and n.state = 'pending' and n.run_at <= v_now + interval '1 second';
  if not found then
    -- Gone, done, or moved later (its own job will come): the sender finds out and returns quietly.
    return null;
  end if;
  v_spacing := (spacings ->> v_channel::text)::interval;
  select greatest(r.blocked_until, v_now) into v_slot from app_private.channel_rates r where r.channel = v_channel;
  v_slot := coalesce(v_slot, v_now);
  if reserved is not null and v_slot <= v_due
     and (late or not v_late or v_spacing is null) then
    return null;
  end if;
  if v_spacing is not null then
    insert into app_private.channel_rates as r (channel, next_at) values (v_channel, v_now + v_spacing)
    on conflict (channel) do update
      set next_at = greatest(r.next_at, r.blocked_until, v_now) + v_spacing, updated_at = v_now
    returning r.next_at - v_spacing into v_slot;
  end if;
  if v_slot <= v_due then
    return null;
  end if;
  perform graphile_worker.add_jobs(array[app_private.notification_slot_job_spec(take_delivery_slot.id, v_slot, v_late)]);
  return v_slot;
end;
$$;
comment on function app_private.take_delivery_slot(uuid, jsonb, timestamptz, boolean) is
  'Takes a notification''s delivery slot on its channel: null to deliver now, or the time its job was moved to.';

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
