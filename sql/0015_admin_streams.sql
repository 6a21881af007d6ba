-- Live job outcomes and queue counts for admins (README, Subscriptions), on the pattern of
-- sql/0012_subscriptions.sql: the database announces ids with pg_notify, when the transaction
-- commits, and every replica's GraphQL server reads the rows as the subscriber before sending
-- them. Every statement that writes job history (a worker's batch of outcomes, the recovery of
-- a dead worker's jobs, an admin's cancel) announces the history ids it wrote on
-- schoolbell:jobs, once per 500 rows (a NOTIFY payload holds at most 8000 bytes): a worker
-- writes its history in batches (src/worker/history.ts), so a burst of jobs costs a few
-- notifications a second, not one per job. The queue's counts change on these and on
-- graphile-worker's own jobs:insert (an added, retried or rescheduled job);
-- app_hidden.queue_counts_topics() names both.

create function app_private.tg_job_history__notify() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog
as $$
begin
  perform pg_notify(app_private.subscription_topic('jobs'), json_build_object('ids', c.ids)::text)
  from (
    select array_agg(w.id order by w.id) as ids
    from (select id, (row_number() over (order by id) - 1) / 500 as chunk from written) w
    group by w.chunk
  ) c;
  return null;
end;
$$;
comment on function app_private.tg_job_history__notify() is
  'Announces the ids of the job history rows a statement wrote on schoolbell:jobs, up to 500 per notification.';

create trigger _900_notify after insert on app_private.job_history
  referencing new table as written
  for each statement execute function app_private.tg_job_history__notify();

-- The topic of the admins' job outcomes; refuses anyone else (DENYD), as every admin function.
create function app_hidden.job_outcomes_topic() returns text
  language plpgsql stable security definer
  set search_path = pg_catalog
as $$
begin
  perform app_hidden.require_admin();
  return app_private.subscription_topic('jobs');
end;
$$;
comment on function app_hidden.job_outcomes_topic() is
  'Admins: the LISTEN topic of job outcomes, schoolbell:jobs.';
grant execute on function app_hidden.job_outcomes_topic() to schoolbell_visitor;

-- The topics on which a change to the queue's counts is announced; admins only.
create function app_hidden.queue_counts_topics() returns text[]
  language plpgsql stable security definer
  set search_path = pg_catalog
as $$
begin
  perform app_hidden.require_admin();
  return array[app_private.subscription_topic('jobs'), 'jobs:insert'];
end;
$$;
comment on function app_hidden.queue_counts_topics() is
  'Admins: the LISTEN topics that announce a change to the queue: schoolbell:jobs (outcomes) and graphile-worker''s jobs:insert.';
grant execute on function app_hidden.queue_counts_topics() to schoolbell_visitor;

-- The announced history rows, as an admin sees them now, filtered by task and outcome; the
-- error cut to its first line and 200 characters (jobRuns has it whole).
create function app_hidden.job_outcomes(ids bigint[], task text default null, outcome app_public.job_outcome default null)
  returns json
  language plpgsql stable security definer
  set search_path = pg_catalog
as $$
begin
  perform app_hidden.require_admin();
  return coalesce((
    select json_agg(json_build_object(
      'id', h.id::text, 'jobId', h.job_id::text, 'task', h.task, 'jobKey', h.job_key,
      'outcome', h.outcome, 'attempt', h.attempt, 'error', left(split_part(h.error, E'\n', 1), 200),
      'finishedAt', h.finished_at, 'durationMs', h.duration_ms
    ) order by h.id)
    from app_private.job_history h
    where h.id = any (job_outcomes.ids)
      and (job_outcomes.task is null or h.task = job_outcomes.task)
      and (job_outcomes.outcome is null or h.outcome = job_outcomes.outcome)
  ), '[]');
end;
$$;
comment on function app_hidden.job_outcomes(bigint[], text, app_public.job_outcome) is
  'Admins: the job history rows of these ids (of this task and outcome, when given), oldest first, each with its error''s first line.';
grant execute on function app_hidden.job_outcomes(bigint[], text, app_public.job_outcome) to schoolbell_visitor;

-- The counts the admin overview shows: jobs by task and state, succeeded and failed over the
-- last hour; nothing that changes with the clock alone but these.
create function app_hidden.queue_counts() returns json
  language plpgsql stable security definer
  set search_path = pg_catalog
as $$
declare
  v_summary app_public.queue_summary := app_public.queue_summary();
begin
  return json_build_object(
    'counts', coalesce((
      select json_agg(json_build_object('task', c.task, 'state', c.state, 'count', c.count) order by c.task, c.state)
      from app_public.job_counts() c
    ), '[]'),
    'succeededLastHour', v_summary.succeeded_last_hour,
    'failedLastHour', v_summary.failed_last_hour
  );
end;
$$;
comment on function app_hidden.queue_counts() is
  'Admins: jobs by task and state, and jobs succeeded and attempts failed over the last hour (app_public.job_counts, queue_summary).';
grant execute on function app_hidden.queue_counts() to schoolbell_visitor;
