-- Runtime schedules: one-off, interval and cron schedules created while the service runs
-- (README, Runtime schedules). A schedule is a row of app_public.schedules; each occurrence is
-- ONE graphile-worker job, run_schedule, keyed schedule:<id> (job_key_mode replace), whose
-- payload names the occurrence it is for. The row trigger below adds, moves or removes that job
-- in the transaction that changes the row: creating, changing, pausing, resuming, deleting a
-- schedule, and the run_schedule task setting next_run_at after it ran the current occurrence.
--
-- Cron occurrences are computed in TypeScript (croner, in the schedule's IANA zone): the SQL only
-- stores next_run_at. The functions a DBA calls (pause, resume, run now) need no computation:
-- resuming re-adds the job of the stored next_run_at (when that has passed, the task's misfire
-- policy decides), running now moves next_run_at to now.
--
-- Exactly once: a job whose occurrence is not the row's next_run_at (a rerun after a crash
-- between the task's commit and the job's completion, a job superseded by a change) is stale
-- and does nothing; app_public.schedule_runs has one row per schedule and occurrence.
--
-- Task kinds that may be scheduled at runtime are declared in code (src/schedules/kinds/) and
-- listed in app_private.schedule_kinds, which the schedules' kind references.

insert into app_private.settings (name, value) values
  -- SCHEDULE_MISFIRE_GRACE: how late an occurrence may still run when its schedule sets none.
  ('schedule_misfire_grace', '10 minutes'),
  -- SCHEDULE_MIN_INTERVAL: the shortest interval a schedule may have (checked by the service).
  ('schedule_min_interval', '1 minute');

create table app_private.schedule_kinds (
  name text primary key,
  description text not null
);
alter table app_private.schedule_kinds enable row level security;
comment on table app_private.schedule_kinds is
  'The task kinds that may be scheduled at runtime: one per file in src/schedules/kinds/ (a test keeps both lists equal).';
insert into app_private.schedule_kinds (name, description) values
  ('notify_user', 'A custom notification to a user, through the configured channel.'),
  ('daily_agenda', 'A tutor''s or student''s sessions of the day, written in their own time zone.');

create type app_public.schedule_trigger as enum ('once', 'interval', 'cron');
comment on type app_public.schedule_trigger is E'@value once: Once, at run_at.\n@value interval: Every `every`, from starts_at (or the creation) until ends_at.\n@value cron: A five-field cron expression in an IANA time zone, between starts_at and ends_at.\nWhen a schedule runs: once, at an interval, or on a cron expression in a time zone.';

create table app_public.schedules (
  id uuid primary key default gen_random_uuid(),
  name text not null constraint schedules_name_length check (length(btrim(name)) between 1 and 200),
  kind text not null references app_private.schedule_kinds on delete restrict,
  payload jsonb not null default '{}' constraint schedules_payload_object check (jsonb_typeof(payload) = 'object'),
  -- The user a schedule concerns is the user its payload targets (every kind names one, as
  -- userId); RLS lets that user read it.
  user_id uuid generated always as ((payload ->> 'userId')::uuid) stored
    references app_public.users on delete cascade,
  created_by uuid references app_public.users on delete set null,
  trigger app_public.schedule_trigger not null,
  run_at timestamptz,
  every interval,
  cron text,
  time_zone text,
  starts_at timestamptz,
  ends_at timestamptz,
  paused boolean not null default false,
  misfire_grace interval,
  next_run_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Exactly one trigger, and only its columns.
  constraint schedules_trigger_shape check (
    case trigger
      when 'once' then run_at is not null and every is null and cron is null and time_zone is null
        and starts_at is null and ends_at is null
      when 'interval' then run_at is null and every is not null and cron is null and time_zone is null
      when 'cron' then run_at is null and every is null and cron is not null and time_zone is not null
    end
  ),
  constraint schedules_every_positive check (every > interval '0'),
  constraint schedules_end_after_start check (ends_at > starts_at),
  constraint schedules_time_zone_known check (time_zone is null or app_private.is_time_zone(time_zone)),
  -- Five fields separated by single spaces; what they say is checked by the service (croner).
  constraint schedules_cron_fields check (cron ~ '^[^ ]+( [^ ]+){4}$' and length(cron) <= 200),
  constraint schedules_misfire_grace_positive check (misfire_grace >= interval '0'),
  constraint schedules_times_usable check (
    (run_at is null or app_hidden.time_is_usable(run_at))
    and (starts_at is null or app_hidden.time_is_usable(starts_at))
    and (ends_at is null or app_hidden.time_is_usable(ends_at))
    and (next_run_at is null or app_hidden.time_is_usable(next_run_at))
  )
);
create index schedules_next_run_idx on app_public.schedules (next_run_at);
create index schedules_user_idx on app_public.schedules (user_id);
create index schedules_created_by_idx on app_public.schedules (created_by);
create index schedules_kind_idx on app_public.schedules (kind);

comment on table app_public.schedules is
  E'@behavior -insert -update -delete\nA runtime schedule: a task kind and its payload, run once, at an interval or on a cron expression in a time zone.';
comment on column app_public.schedules.id is 'The schedule''s id; its job is keyed schedule:<id>.';
comment on column app_public.schedules.name is 'What the schedule is for, 1 to 200 characters.';
comment on column app_public.schedules.kind is 'The task kind it runs (notify_user, daily_agenda).';
comment on column app_public.schedules.payload is 'The kind''s payload, checked by the kind''s schema when written.';
comment on column app_public.schedules.user_id is 'The user the schedule concerns (its payload''s userId).';
comment on column app_public.schedules.created_by is 'Who created it.';
comment on column app_public.schedules.trigger is 'once, interval or cron.';
comment on column app_public.schedules.run_at is 'For a once schedule: when it runs.';
comment on column app_public.schedules.every is 'For an interval schedule: the time between two occurrences (exact elapsed time).';
comment on column app_public.schedules.cron is 'For a cron schedule: the five cron fields, read in time_zone.';
comment on column app_public.schedules.time_zone is 'For a cron schedule: the IANA time zone its expression is read in.';
comment on column app_public.schedules.starts_at is 'No occurrence before this; an interval schedule counts its occurrences from it (else from its creation).';
comment on column app_public.schedules.ends_at is 'No occurrence after this.';
comment on column app_public.schedules.paused is 'A paused schedule has no job and runs nothing.';
comment on column app_public.schedules.misfire_grace is 'How late an occurrence may still run; null for SCHEDULE_MISFIRE_GRACE.';
comment on column app_public.schedules.next_run_at is 'The next occurrence; null when the schedule is finished.';
comment on column app_public.schedules.created_at is 'When it was created.';
comment on column app_public.schedules.updated_at is 'When it last changed.';
comment on constraint schedules_user_id_fkey on app_public.schedules is
  E'@fieldName user\n@foreignFieldName schedules\nThe user the schedule concerns.';
comment on constraint schedules_created_by_fkey on app_public.schedules is
  E'@fieldName creator\n@foreignFieldName createdSchedules\nWho created it.';

create trigger _100_timestamps before insert or update on app_public.schedules
  for each row execute function app_private.tg__timestamps();

alter table app_public.schedules enable row level security;
-- Admins read every schedule; a user reads the schedules that concern them (user_id, the user
-- their payload targets) and the ones they created. Writes go through the service.
create policy select_visible on app_public.schedules for select to schoolbell_visitor using (
  user_id = (select app_hidden.current_user_id())
  or created_by = (select app_hidden.current_user_id())
  or (select app_hidden.current_user_is_admin())
);
grant select on app_public.schedules to schoolbell_visitor;

create type app_public.schedule_outcome as enum ('ran', 'skipped');
comment on type app_public.schedule_outcome is E'@value ran: The kind''s action ran.\n@value skipped: A misfire: later than the grace, not run.\nWhat became of an occurrence.';

create table app_public.schedule_runs (
  id bigint generated always as identity primary key,
  schedule_id uuid not null references app_public.schedules on delete cascade,
  occurrence timestamptz not null,
  ran_at timestamptz not null default now(),
  outcome app_public.schedule_outcome not null,
  coalesced integer not null default 1 constraint schedule_runs_coalesced_positive check (coalesced >= 1),
  job_id bigint,
  constraint schedule_runs_once unique (schedule_id, occurrence)
);
create index schedule_runs_schedule_idx on app_public.schedule_runs (schedule_id, occurrence desc);
comment on table app_public.schedule_runs is
  E'@behavior -insert -update -delete\nWhat became of each occurrence of a schedule: run, or skipped as a misfire; one row per schedule and occurrence.';
comment on column app_public.schedule_runs.id is 'The run''s id.';
comment on column app_public.schedule_runs.schedule_id is 'The schedule it is a run of.';
comment on column app_public.schedule_runs.occurrence is 'The scheduled instant the run was for (the first, when several coalesced).';
comment on column app_public.schedule_runs.ran_at is 'When the worker ran it (or skipped it).';
comment on column app_public.schedule_runs.outcome is 'ran, or skipped as a misfire.';
comment on column app_public.schedule_runs.coalesced is 'How many occurrences this run stands for: 1, or more when missed ones were coalesced into it.';
comment on column app_public.schedule_runs.job_id is 'The run_schedule job (app_private.job_history.job_id).';
comment on constraint schedule_runs_schedule_id_fkey on app_public.schedule_runs is
  E'@fieldName schedule\n@foreignFieldName runs\n@notNull\nThe schedule.';

alter table app_public.schedule_runs enable row level security;
-- A run is visible to whoever sees its schedule.
create policy select_visible on app_public.schedule_runs for select to schoolbell_visitor using (
  exists (select 1 from app_public.schedules s where s.id = schedule_id)
);
grant select on app_public.schedule_runs to schoolbell_visitor;

-- The job key of a schedule's next occurrence, and its whole job: run_schedule at the
-- occurrence, the occurrence in its payload (the one place either is spelled).
create function app_private.schedule_job_key(id uuid) returns text
  language sql immutable
as $$
  select 'schedule:' || id
$$;
comment on function app_private.schedule_job_key(uuid) is
  'The job key of a schedule''s next occurrence: schedule:<id>.';

create function app_private.schedule_job_spec(id uuid, occurrence timestamptz) returns graphile_worker.job_spec
  language sql stable
as $$
  select ('run_schedule',
    pg_catalog.json_build_object('scheduleId', id, 'occurrence', app_private.instant_text(occurrence)),
    null, occurrence, 10, app_private.schedule_job_key(id), null, null)::graphile_worker.job_spec
$$;
comment on function app_private.schedule_job_spec(uuid, timestamptz) is
  'The graphile-worker job spec of a schedule''s occurrence (run_schedule at it, keyed schedule:<id>).';

-- The job of a schedule: none while it is paused or finished, else run_schedule at next_run_at
-- for that occurrence (a job already waiting under the key is replaced, a running one gives its
-- key away).
create function app_private.sync_schedule_job(schedule app_public.schedules) returns void
  language plpgsql volatile
  set search_path = pg_catalog
as $$
begin
  if schedule.paused or schedule.next_run_at is null then
    perform app_private.remove_jobs(array[app_private.schedule_job_key(schedule.id)]);
  else
    perform app_private.add_jobs(array[app_private.schedule_job_spec(schedule.id, schedule.next_run_at)]);
  end if;
end;
$$;
comment on function app_private.sync_schedule_job(app_public.schedules) is
  'Makes the run_schedule job of a schedule (key schedule:<id>) match its row: at next_run_at, or none when paused or finished.';

create function app_private.tg_schedules__job() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog
as $$
begin
  if tg_op = 'DELETE' then
    perform app_private.remove_jobs(array[app_private.schedule_job_key(old.id)]);
    return null;
  end if;
  if tg_op = 'INSERT' or new.paused is distinct from old.paused or new.next_run_at is distinct from old.next_run_at then
    perform app_private.sync_schedule_job(new);
  end if;
  return null;
end;
$$;
create trigger _900_job after insert or update or delete on app_public.schedules
  for each row execute function app_private.tg_schedules__job();

-- Locks a schedule for its task and says whether the job's occurrence is still the one due:
-- null (with nothing locked that matters) when the schedule is gone, paused, finished, or has
-- moved on to another occurrence. Returns the row and its misfire grace in effect.
create function app_private.lock_schedule_occurrence(schedule_id uuid, occurrence timestamptz,
  out schedule app_public.schedules, out grace interval)
  language plpgsql volatile
  set search_path = pg_catalog
as $$
begin
  select s.* into schedule from app_public.schedules s where s.id = lock_schedule_occurrence.schedule_id for update;
  if not found or schedule.paused or schedule.next_run_at is distinct from lock_schedule_occurrence.occurrence then
    schedule := null;
    return;
  end if;
  grace := coalesce(schedule.misfire_grace, app_private.setting_interval('schedule_misfire_grace'));
end;
$$;
comment on function app_private.lock_schedule_occurrence(uuid, timestamptz) is
  'Locks a schedule for run_schedule; null when its job is stale (schedule gone, paused, finished or moved on).';

-- What run_schedule writes after it handled an occurrence: the run, and the next occurrence
-- (whose job the row trigger adds in this same transaction; null finishes the schedule).
create function app_private.finish_schedule_occurrence(
  schedule_id uuid,
  occurrence timestamptz,
  outcome app_public.schedule_outcome,
  coalesced integer,
  job_id bigint,
  next_run_at timestamptz
) returns void
  language sql volatile
  set search_path = pg_catalog
as $$
  insert into app_public.schedule_runs (schedule_id, occurrence, outcome, coalesced, job_id)
  values (schedule_id, occurrence, outcome, coalesced, job_id);
  update app_public.schedules s set next_run_at = finish_schedule_occurrence.next_run_at
  where s.id = finish_schedule_occurrence.schedule_id;
$$;
comment on function app_private.finish_schedule_occurrence(uuid, timestamptz, app_public.schedule_outcome, integer, bigint, timestamptz) is
  'Records what became of an occurrence and sets the schedule''s next one (null: finished).';

-- What the kinds' actions enqueue (src/schedules/kinds/), in run_schedule's transaction.

-- A notification due now, in the outbox with its delivery job; channel null is the configured
-- REMINDER_CHANNEL.
create function app_private.enqueue_notification(
  recipient_id uuid,
  channel app_public.notification_channel,
  message text,
  scheduled_by_id uuid
) returns uuid
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_notification app_public.notifications;
begin
  insert into app_public.notifications (recipient_id, channel, message, run_at, scheduled_by_id)
  values (enqueue_notification.recipient_id,
    coalesce(enqueue_notification.channel,
      (select value from app_private.settings where name = 'reminder_channel')::app_public.notification_channel),
    enqueue_notification.message, now(), enqueue_notification.scheduled_by_id)
  returning * into v_notification;
  perform app_private.schedule_notification_job(v_notification);
  return v_notification.id;
end;
$$;
comment on function app_private.enqueue_notification(uuid, app_public.notification_channel, text, uuid) is
  'Puts a notification due now in the outbox, with its send_notification job; null channel: REMINDER_CHANNEL.';

-- A user's sessions (scheduled or running) on the day `at` falls on in their own time zone.
create function app_private.daily_agenda(user_id uuid, at timestamptz) returns json
  language sql stable
  set search_path = pg_catalog
as $$
  select json_build_object(
    'timeZone', u.time_zone,
    'day', d.day,
    'sessions', coalesce((
      select json_agg(json_build_object(
          'startsAt', b.starts_at, 'endsAt', b.ends_at, 'subject', b.subject,
          'with', (select o.name from app_public.users o
                   where o.id = case when b.student_id = u.id then b.tutor_id else b.student_id end))
        order by b.starts_at)
      from app_public.bookings b
      where (b.student_id = u.id or b.tutor_id = u.id) and b.state in ('scheduled', 'active')
        and b.starts_at >= d.day::timestamp at time zone u.time_zone
        and b.starts_at < (d.day + 1)::timestamp at time zone u.time_zone
    ), '[]'::json)
  )
  from app_public.users u
  cross join lateral (select (daily_agenda.at at time zone u.time_zone)::date as day) d
  where u.id = daily_agenda.user_id
$$;
comment on function app_private.daily_agenda(uuid, timestamptz) is
  'A user''s time zone, the day `at` falls on there, and their scheduled or running sessions that start that day; null for no such user.';

------------------------------------------------------------------------------------------------
-- For DBAs (README, runbook) and the service's schedule API, which calls these too.

-- Pausing removes the job and keeps next_run_at; resuming adds the job of the stored
-- next_run_at: when that passed while the schedule was paused, the task runs it if it is within
-- the misfire grace, or records it skipped, and goes on from now.
create function app_private.set_schedule_paused(id uuid, paused boolean) returns app_public.schedules
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_schedule app_public.schedules;
begin
  update app_public.schedules s set paused = set_schedule_paused.paused
  where s.id = set_schedule_paused.id returning s.* into v_schedule;
  if not found then
    raise exception 'schedule % not found', set_schedule_paused.id using errcode = 'NTFND';
  end if;
  return v_schedule;
end;
$$;
comment on function app_private.set_schedule_paused(uuid, boolean) is
  'Pauses or resumes a schedule (its job removed or added again); NTFND for no such schedule.';

create function app_private.pause_schedule(id uuid) returns app_public.schedules
  language sql volatile
  set search_path = pg_catalog
as $$
  select app_private.set_schedule_paused(pause_schedule.id, true)
$$;
comment on function app_private.pause_schedule(uuid) is
  'Pauses a schedule: its job is removed, next_run_at kept. Pausing twice is fine.';

create function app_private.resume_schedule(id uuid) returns app_public.schedules
  language sql volatile
  set search_path = pg_catalog
as $$
  select app_private.set_schedule_paused(resume_schedule.id, false)
$$;
comment on function app_private.resume_schedule(uuid) is
  'Resumes a paused schedule: its job is added for next_run_at (a passed one is run or skipped by the misfire policy). Resuming twice is fine.';

-- Running now makes now the next occurrence: the task runs it at once and goes on with the
-- trigger's next occurrence after now. A finished schedule runs once more and stays finished.
create function app_private.run_schedule_now(id uuid) returns app_public.schedules
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_schedule app_public.schedules;
begin
  select s.* into v_schedule from app_public.schedules s where s.id = run_schedule_now.id for update;
  if not found then
    raise exception 'schedule % not found', run_schedule_now.id using errcode = 'NTFND';
  end if;
  if v_schedule.paused then
    raise exception 'schedule % is paused: resume it first', run_schedule_now.id using errcode = 'ILLTR';
  end if;
  update app_public.schedules s set next_run_at = date_trunc('milliseconds', now())
  where s.id = v_schedule.id returning s.* into v_schedule;
  return v_schedule;
end;
$$;
comment on function app_private.run_schedule_now(uuid) is
  'Runs a schedule''s kind now, once, then goes on with its next occurrence after now; ILLTR when paused.';

-- The seed's own question ("upcoming jobs"), for schedules: by next run, with the trigger, the
-- zone, whether paused, the last run and its outcome, and the job waiting for it.
create view app_private.schedules_by_next_run as
select
  s.id,
  s.name,
  s.kind,
  s.trigger,
  case s.trigger
    when 'once' then app_private.instant_text(s.run_at)
    when 'interval' then 'every ' || s.every::text
    else s.cron
  end as rule,
  s.time_zone,
  s.starts_at,
  s.ends_at,
  s.paused,
  s.next_run_at,
  coalesce(s.misfire_grace, app_private.setting_interval('schedule_misfire_grace')) as misfire_grace,
  last.occurrence as last_occurrence,
  last.ran_at as last_run_at,
  last.outcome as last_outcome,
  last.coalesced as last_coalesced,
  j.id as job_id,
  j.run_at as job_run_at,
  s.user_id,
  s.created_by,
  s.payload
from app_public.schedules s
left join lateral (
  select r.occurrence, r.ran_at, r.outcome, r.coalesced from app_public.schedule_runs r
  where r.schedule_id = s.id order by r.occurrence desc limit 1
) last on true
left join graphile_worker._private_jobs j on j.key = app_private.schedule_job_key(s.id)
order by s.next_run_at nulls last, s.id;
comment on view app_private.schedules_by_next_run is
  'Runtime schedules by next run: trigger and rule, zone, paused, last run and its outcome, the job waiting for the next occurrence.';
