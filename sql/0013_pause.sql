-- Pause and resume, per task and per channel (README, Runbook and The admin API): a paused
-- task's or channel's jobs stay queued with their run_at and are not fetched by any worker
-- until resumed. graphile-worker skips a job carrying a flag its worker's forbiddenFlags names
-- (src/worker/pauses.ts), so every job carries task:<identifier> and, for a notification's
-- delivery, channel:<channel>. A row trigger on graphile-worker's jobs table sets them, so that
-- every way a job is added gets them: add_jobs specs in SQL, graphile_worker.add_job at psql,
-- and the crontab's ticks, which cannot carry flags of their own. Each change to
-- app_private.paused notifies schoolbell:paused, on which every worker reloads its list.
--
-- What is paused, app_private.paused, and the paused column of app_private.job_states and
-- app_public.job are in sql/0008_operations.sql.

create function app_private.tg_private_jobs__pause_flags() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_task text;
  v_channel text;
begin
  select t.identifier into v_task from graphile_worker._private_tasks t where t.id = new.task_id;
  if v_task = 'send_notification' then
    select n.channel::text into v_channel from app_public.notifications n
     where n.id::text = new.payload->>'notificationId';
  end if;
  new.flags := coalesce(new.flags, '{}'::jsonb)
    || jsonb_build_object(app_private.pause_flag('task', v_task), true)
    || case when v_channel is null then '{}'::jsonb
            else jsonb_build_object(app_private.pause_flag('channel', v_channel), true) end;
  return new;
end;
$$;
comment on function app_private.tg_private_jobs__pause_flags() is
  'Gives each new job the flags that can pause it: task:<identifier>, and channel:<channel> for a delivery.';

create trigger _500_pause_flags before insert on graphile_worker._private_jobs
  for each row execute function app_private.tg_private_jobs__pause_flags();

-- Jobs queued before this migration get their flags too.
update graphile_worker._private_jobs j
   set flags = coalesce(j.flags, '{}'::jsonb)
     || jsonb_build_object(app_private.pause_flag('task', t.identifier), true)
     || coalesce((select jsonb_build_object(app_private.pause_flag('channel', n.channel::text), true)
                    from app_public.notifications n
                   where t.identifier = 'send_notification' and n.id::text = j.payload->>'notificationId'), '{}'::jsonb)
  from graphile_worker._private_tasks t
 where t.id = j.task_id;

create function app_private.tg_paused__notify() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog
as $$
begin
  perform pg_notify('schoolbell:paused', '');
  return null;
end;
$$;
comment on function app_private.tg_paused__notify() is
  'Tells every worker (LISTEN schoolbell:paused) to reload what is paused.';

create trigger _900_notify after insert or update or delete or truncate on app_private.paused
  for each statement execute function app_private.tg_paused__notify();

------------------------------------------------------------------------------------------------
-- For DBAs at psql (app_private) and admins through GraphQL (app_public, checking the role).

create type app_public.pause as (kind text, name text, paused_by text, paused_at timestamptz, jobs integer);
comment on type app_public.pause is 'A paused task or channel: its jobs stay queued with their run_at until it is resumed.';
comment on column app_public.pause.kind is E'@notNull\ntask or channel.';
comment on column app_public.pause.name is E'@notNull\nThe task (a file in tasks/) or the notification channel (log, webhook, email).';
comment on column app_public.pause.paused_by is E'@notNull\nWho paused it (user:<id> or sql:<database user>).';
comment on column app_public.pause.paused_at is E'@notNull\nSince when.';
comment on column app_public.pause.jobs is E'@notNull\nHow many queued jobs it holds now.';

create function app_private.to_pause(p app_private.paused) returns app_public.pause
  language sql stable
  set search_path = pg_catalog
as $$
  select row(p.kind, p.name, p.paused_by, p.paused_at,
    (select count(*)::integer from graphile_worker._private_jobs j
      where j.is_available and j.flags ? app_private.pause_flag(p.kind, p.name)))::app_public.pause
$$;
comment on function app_private.to_pause(app_private.paused) is 'A row of app_private.paused as the admin API shows it, with the jobs it holds.';

-- What a pause names, checked: a task graphile-worker knows (every worker registers its tasks
-- as it starts) or a notification channel.
create function app_private.check_pause(kind text, name text) returns void
  language plpgsql stable
  set search_path = pg_catalog
as $$
begin
  if kind = 'task' then
    if not exists (select 1 from graphile_worker._private_tasks t where t.identifier = check_pause.name) then
      raise exception 'task: no task named "%"', name using errcode = 'BADIN';
    end if;
  elsif kind = 'channel' then
    if name is null or not name = any (enum_range(null::app_public.notification_channel)::text[]) then
      raise exception 'channel: no channel named "%" (%)', name,
        array_to_string(enum_range(null::app_public.notification_channel)::text[], ', ') using errcode = 'BADIN';
    end if;
  else
    raise exception 'kind: task or channel, not "%"', kind using errcode = 'BADIN';
  end if;
end;
$$;
comment on function app_private.check_pause(text, text) is 'Refuses (BADIN) a pause of a task no worker knows or of a channel that does not exist.';

-- Pausing what is paused already keeps who paused it first, and when.
create function app_private.pause(kind text, name text, paused_by text default null) returns app_public.pause
  language plpgsql volatile
  set search_path = pg_catalog
as $$
declare
  v_row app_private.paused;
begin
  perform app_private.check_pause(kind, name);
  insert into app_private.paused (kind, name, paused_by)
  values (kind, name, coalesce(pause.paused_by, app_private.actor('sql', session_user)))
  on conflict on constraint paused_pkey do nothing;
  select p.* into v_row from app_private.paused p where p.kind = pause.kind and p.name = pause.name;
  return app_private.to_pause(v_row);
end;
$$;
comment on function app_private.pause(text, text, text) is
  'Pauses a task (kind task) or a notification channel (kind channel): workers stop fetching its jobs, which stay queued.';

create function app_private.resume(kind text, name text) returns boolean
  language plpgsql volatile
  set search_path = pg_catalog
as $$
begin
  perform app_private.check_pause(kind, name);
  delete from app_private.paused p where p.kind = resume.kind and p.name = resume.name;
  return found;
end;
$$;
comment on function app_private.resume(text, text) is
  'Resumes a paused task or channel: its due jobs run at once, the others at their run_at. False if it was not paused.';

create function app_public.pause_task(task text) returns app_public.pause
  language sql volatile security definer
  set search_path = pg_catalog
as $$
  select app_private.pause('task', task, app_private.actor('user', (app_hidden.require_admin()).id::text))
$$;
comment on function app_public.pause_task(text) is E'@arg task: The task (a file in tasks/).\n@resultFieldName pause\n@notNull\nAdmins: pause a task. Its jobs stay queued with their run_at and no worker takes them until it is resumed; running ones finish.';

create function app_public.resume_task(task text) returns boolean
  language plpgsql volatile security definer
  set search_path = pg_catalog
as $$
begin
  perform app_hidden.require_admin();
  return app_private.resume('task', task::text);
end;
$$;
comment on function app_public.resume_task(text) is E'@arg task: The task.\n@resultFieldName resumed\n@notNull\nAdmins: resume a paused task; its due jobs run now. False if it was not paused.';

create function app_public.pause_channel(channel app_public.notification_channel) returns app_public.pause
  language sql volatile security definer
  set search_path = pg_catalog
as $$
  select app_private.pause('channel', channel::text, app_private.actor('user', (app_hidden.require_admin()).id::text))
$$;
comment on function app_public.pause_channel(app_public.notification_channel) is E'@arg channel: The notification channel.\n@resultFieldName pause\n@notNull\nAdmins: pause a channel. Its deliveries stay queued with their run_at until it is resumed; other channels'' go on.';

create function app_public.resume_channel(channel app_public.notification_channel) returns boolean
  language plpgsql volatile security definer
  set search_path = pg_catalog
as $$
begin
  perform app_hidden.require_admin();
  return app_private.resume('channel', channel::text);
end;
$$;
comment on function app_public.resume_channel(app_public.notification_channel) is E'@arg channel: The notification channel.\n@resultFieldName resumed\n@notNull\nAdmins: resume a paused channel; its due deliveries go now. False if it was not paused.';

create function app_public.pauses() returns setof app_public.pause
  language plpgsql stable security definer
  set search_path = pg_catalog
as $$
begin
  perform app_hidden.require_admin();
  return query select (app_private.to_pause(p)).* from app_private.paused p order by p.kind, p.name;
end;
$$;
comment on function app_public.pauses() is 'Admins: what is paused (tasks, then channels), by whom, since when and how many jobs each holds.';




grant execute on function app_public.pause_task(text) to schoolbell_visitor;
grant execute on function app_public.resume_task(text) to schoolbell_visitor;
grant execute on function app_public.pause_channel(app_public.notification_channel) to schoolbell_visitor;
grant execute on function app_public.resume_channel(app_public.notification_channel) to schoolbell_visitor;
grant execute on function app_public.pauses() to schoolbell_visitor;
