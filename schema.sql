--
-- Name: app_hidden; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA app_hidden;

--
-- Name: SCHEMA app_hidden; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON SCHEMA app_hidden IS 'Helpers requests may use but GraphQL does not expose.';

--
-- Name: app_private; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA app_private;

--
-- Name: SCHEMA app_private; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON SCHEMA app_private IS 'Internals: bookkeeping, trigger functions, secrets.';

--
-- Name: app_public; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA app_public;

--
-- Name: SCHEMA app_public; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON SCHEMA app_public IS 'Tutoring bookings: what the GraphQL API serves.';

--
-- Name: graphile_worker; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA graphile_worker;

--
-- Name: btree_gist; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;

--
-- Name: EXTENSION btree_gist; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION btree_gist IS 'support for indexing common datatypes in GiST';

--
-- Name: booking_state; Type: TYPE; Schema: app_public; Owner: -
--

CREATE TYPE app_public.booking_state AS ENUM (
    'requested',
    'scheduled',
    'active',
    'ended',
    'declined',
    'cancelled',
    'expired'
);

--
-- Name: TYPE booking_state; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TYPE app_public.booking_state IS '@value requested: Asked for by the student, waiting for the tutor.
@value scheduled: Accepted; waits for its start.
@value active: The session is running.
@value ended: The session is over (END_GRACE after its end).
@value declined: The tutor said no.
@value cancelled: Called off by either party before it started.
@value expired: Nobody answered the request in time.
Where a booking is in its life.';

--
-- Name: job_state; Type: TYPE; Schema: app_public; Owner: -
--

CREATE TYPE app_public.job_state AS ENUM (
    'scheduled',
    'due',
    'running',
    'retrying',
    'failed'
);

--
-- Name: TYPE job_state; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TYPE app_public.job_state IS '@value scheduled: Waits for its run_at.
@value due: Should be running and is not yet.
@value running: A worker holds it.
@value retrying: Failed; will be tried again.
@value failed: No attempts left.
scheduled: waits for its run_at; due: should be running and is not yet; running: a worker holds it; retrying: failed, will be tried again; failed: no attempts left.';

--
-- Name: admin_vocabulary; Type: TYPE; Schema: app_public; Owner: -
--

CREATE TYPE app_public.admin_vocabulary AS (
	job_states app_public.job_state[],
	booking_states app_public.booking_state[],
	sweeps text[]
);

--
-- Name: TYPE admin_vocabulary; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TYPE app_public.admin_vocabulary IS 'The lists the admin page offers as choices.';

--
-- Name: COLUMN admin_vocabulary.job_states; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.admin_vocabulary.job_states IS '@notNull
Every job state, in the order of a job''s life.';

--
-- Name: COLUMN admin_vocabulary.booking_states; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.admin_vocabulary.booking_states IS '@notNull
Every booking state: a booking''s life (requested, scheduled, active, ended), then the ways it stops early.';

--
-- Name: COLUMN admin_vocabulary.sweeps; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.admin_vocabulary.sweeps IS '@notNull
The sweeps `runSweep` accepts.';

--
-- Name: job; Type: TYPE; Schema: app_public; Owner: -
--

CREATE TYPE app_public.job AS (
	id bigint,
	task text,
	key text,
	queue text,
	state app_public.job_state,
	run_at timestamp with time zone,
	lateness_seconds double precision,
	attempts integer,
	max_attempts integer,
	last_error text,
	locked_by text,
	locked_at timestamp with time zone,
	payload json,
	created_at timestamp with time zone,
	updated_at timestamp with time zone,
	paused boolean
);

--
-- Name: TYPE job; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TYPE app_public.job IS 'A graphile-worker job, for admins.';

--
-- Name: COLUMN job.id; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job.id IS '@notNull
The job''s id in graphile-worker.';

--
-- Name: COLUMN job.task; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job.task IS '@notNull
The task that runs it (a file in tasks/).';

--
-- Name: COLUMN job.key; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job.key IS 'Its job key, if it has one (timer:<task>:<instant>, notification:<id>, ...).';

--
-- Name: COLUMN job.queue; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job.queue IS 'The named queue it runs in, one at a time; null for none.';

--
-- Name: COLUMN job.state; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job.state IS '@notNull
Where the job is.';

--
-- Name: COLUMN job.run_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job.run_at IS '@notNull
When it is due.';

--
-- Name: COLUMN job.lateness_seconds; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job.lateness_seconds IS 'How long a due job has waited past its run_at.';

--
-- Name: COLUMN job.attempts; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job.attempts IS '@notNull
Attempts so far.';

--
-- Name: COLUMN job.max_attempts; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job.max_attempts IS '@notNull
Attempts allowed before it fails for good.';

--
-- Name: COLUMN job.last_error; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job.last_error IS 'Why the last attempt failed, if it did.';

--
-- Name: COLUMN job.locked_by; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job.locked_by IS 'The worker running it.';

--
-- Name: COLUMN job.locked_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job.locked_at IS 'When its worker took it; null unless running.';

--
-- Name: COLUMN job.payload; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job.payload IS '@notNull
What the task is given.';

--
-- Name: COLUMN job.created_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job.created_at IS '@notNull
When it was added.';

--
-- Name: COLUMN job.updated_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job.updated_at IS '@notNull
When it last changed.';

--
-- Name: COLUMN job.paused; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job.paused IS '@notNull
Whether a pause of its task or channel holds it (pauses): it stays queued, with its run_at, until resumed.';

--
-- Name: job_count; Type: TYPE; Schema: app_public; Owner: -
--

CREATE TYPE app_public.job_count AS (
	task text,
	state app_public.job_state,
	count integer
);

--
-- Name: TYPE job_count; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TYPE app_public.job_count IS 'How many jobs of a task are in a state.';

--
-- Name: COLUMN job_count.task; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job_count.task IS '@notNull
The task.';

--
-- Name: COLUMN job_count.state; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job_count.state IS '@notNull
The state.';

--
-- Name: COLUMN job_count.count; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job_count.count IS '@notNull
How many of its jobs are in that state.';

--
-- Name: job_match; Type: TYPE; Schema: app_public; Owner: -
--

CREATE TYPE app_public.job_match AS (
	total integer,
	retryable integer,
	cancellable integer,
	reschedulable integer,
	per_call integer
);

--
-- Name: TYPE job_match; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TYPE app_public.job_match IS 'How many jobs a filter matches, and how many of them each bulk action would act on.';

--
-- Name: COLUMN job_match.total; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job_match.total IS '@notNull
Jobs the filter matches.';

--
-- Name: COLUMN job_match.retryable; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job_match.retryable IS '@notNull
Of them, failed or retrying: what retryJobs acts on.';

--
-- Name: COLUMN job_match.cancellable; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job_match.cancellable IS '@notNull
Of them, not running: what cancelJobs acts on.';

--
-- Name: COLUMN job_match.reschedulable; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job_match.reschedulable IS '@notNull
Of them, not running: what rescheduleJobs acts on.';

--
-- Name: COLUMN job_match.per_call; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job_match.per_call IS '@notNull
The most jobs one call of a bulk action acts on; call again for the rest.';

--
-- Name: job_outcome; Type: TYPE; Schema: app_public; Owner: -
--

CREATE TYPE app_public.job_outcome AS ENUM (
    'success',
    'error',
    'failed',
    'crashed',
    'cancelled'
);

--
-- Name: TYPE job_outcome; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TYPE app_public.job_outcome IS '@value success: It ran and succeeded.
@value error: It failed and will be retried.
@value failed: It failed for good.
@value crashed: Its worker died mid-run.
@value cancelled: An admin removed it.
success; error: failed, will be retried; failed: failed for good; crashed: its worker died mid-run; cancelled: removed by an admin.';

--
-- Name: job_run; Type: TYPE; Schema: app_public; Owner: -
--

CREATE TYPE app_public.job_run AS (
	id bigint,
	job_id bigint,
	task text,
	job_key text,
	attempt integer,
	run_at timestamp with time zone,
	started_at timestamp with time zone,
	finished_at timestamp with time zone,
	duration_ms double precision,
	outcome app_public.job_outcome,
	error text,
	worker_id text
);

--
-- Name: TYPE job_run; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TYPE app_public.job_run IS 'One attempt of a job and how it ended, from the job history.';

--
-- Name: COLUMN job_run.id; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job_run.id IS '@notNull
The history row''s id.';

--
-- Name: COLUMN job_run.job_id; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job_run.job_id IS '@notNull
The job that ran (it may be gone since).';

--
-- Name: COLUMN job_run.task; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job_run.task IS '@notNull
The task that ran.';

--
-- Name: COLUMN job_run.job_key; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job_run.job_key IS 'The job''s key, if it had one.';

--
-- Name: COLUMN job_run.attempt; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job_run.attempt IS '@notNull
Which attempt this was, from 1.';

--
-- Name: COLUMN job_run.run_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job_run.run_at IS 'When the job was due.';

--
-- Name: COLUMN job_run.started_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job_run.started_at IS 'When the attempt started; null when unknown (a job cancelled before it ran).';

--
-- Name: COLUMN job_run.finished_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job_run.finished_at IS '@notNull
When the attempt ended.';

--
-- Name: COLUMN job_run.duration_ms; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job_run.duration_ms IS 'How long it ran, in milliseconds.';

--
-- Name: COLUMN job_run.outcome; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job_run.outcome IS '@notNull
How it ended.';

--
-- Name: COLUMN job_run.error; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job_run.error IS 'The error, when it failed.';

--
-- Name: COLUMN job_run.worker_id; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job_run.worker_id IS 'The worker that ran it.';

--
-- Name: job_throughput; Type: TYPE; Schema: app_public; Owner: -
--

CREATE TYPE app_public.job_throughput AS (
	bucket_start timestamp with time zone,
	succeeded integer,
	failed integer
);

--
-- Name: TYPE job_throughput; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TYPE app_public.job_throughput IS 'Jobs finished in one time bucket.';

--
-- Name: COLUMN job_throughput.bucket_start; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job_throughput.bucket_start IS '@notNull
Where the bucket starts.';

--
-- Name: COLUMN job_throughput.succeeded; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job_throughput.succeeded IS '@notNull
Jobs that succeeded in the bucket.';

--
-- Name: COLUMN job_throughput.failed; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.job_throughput.failed IS '@notNull
Attempts that failed in the bucket (errors, permanent failures, crashes).';

--
-- Name: notification_channel; Type: TYPE; Schema: app_public; Owner: -
--

CREATE TYPE app_public.notification_channel AS ENUM (
    'log',
    'webhook',
    'email'
);

--
-- Name: TYPE notification_channel; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TYPE app_public.notification_channel IS '@value log: Written to the service log.
@value webhook: Posted to the configured gateway (SMS, push).
@value email: Sent by SMTP.
How a notification is delivered: log (the service log), webhook (SMS and push gateways), email (SMTP).';

--
-- Name: notification_state; Type: TYPE; Schema: app_public; Owner: -
--

CREATE TYPE app_public.notification_state AS ENUM (
    'pending',
    'sent',
    'failed',
    'cancelled'
);

--
-- Name: TYPE notification_state; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TYPE app_public.notification_state IS '@value pending: Waiting for its run_at, or for another attempt.
@value sent: The channel accepted it.
@value failed: Given up on after the last attempt.
@value cancelled: Called off before it was sent.
Where a notification is: waiting, delivered, given up on, or cancelled.';

--
-- Name: pause; Type: TYPE; Schema: app_public; Owner: -
--

CREATE TYPE app_public.pause AS (
	kind text,
	name text,
	paused_by text,
	paused_at timestamp with time zone,
	jobs integer
);

--
-- Name: TYPE pause; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TYPE app_public.pause IS 'A paused task or channel: its jobs stay queued with their run_at until it is resumed.';

--
-- Name: COLUMN pause.kind; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.pause.kind IS '@notNull
task or channel.';

--
-- Name: COLUMN pause.name; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.pause.name IS '@notNull
The task (a file in tasks/) or the notification channel (log, webhook, email).';

--
-- Name: COLUMN pause.paused_by; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.pause.paused_by IS '@notNull
Who paused it (user:<id> or sql:<database user>).';

--
-- Name: COLUMN pause.paused_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.pause.paused_at IS '@notNull
Since when.';

--
-- Name: COLUMN pause.jobs; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.pause.jobs IS '@notNull
How many queued jobs it holds now.';

--
-- Name: queue_summary; Type: TYPE; Schema: app_public; Owner: -
--

CREATE TYPE app_public.queue_summary AS (
	oldest_due_job_id bigint,
	oldest_due_task text,
	oldest_due_run_at timestamp with time zone,
	oldest_due_lateness_seconds double precision,
	succeeded_last_hour integer,
	failed_last_hour integer,
	per_minute_last_hour double precision,
	overdue_sweep text,
	overdue_sweep_seconds double precision
);

--
-- Name: TYPE queue_summary; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TYPE app_public.queue_summary IS 'The oldest overdue job and the most overdue sweep; throughput and failures (errors, permanent failures, crashes) over the last hour.';

--
-- Name: COLUMN queue_summary.oldest_due_job_id; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.queue_summary.oldest_due_job_id IS 'The job that has waited longest past its run_at; null when none is due.';

--
-- Name: COLUMN queue_summary.oldest_due_task; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.queue_summary.oldest_due_task IS 'Its task.';

--
-- Name: COLUMN queue_summary.oldest_due_run_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.queue_summary.oldest_due_run_at IS 'Its run_at.';

--
-- Name: COLUMN queue_summary.oldest_due_lateness_seconds; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.queue_summary.oldest_due_lateness_seconds IS 'How long it has waited past its run_at, in seconds.';

--
-- Name: COLUMN queue_summary.succeeded_last_hour; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.queue_summary.succeeded_last_hour IS '@notNull
Jobs that succeeded over the last hour.';

--
-- Name: COLUMN queue_summary.failed_last_hour; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.queue_summary.failed_last_hour IS '@notNull
Attempts that failed over the last hour.';

--
-- Name: COLUMN queue_summary.per_minute_last_hour; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.queue_summary.per_minute_last_hour IS '@notNull
Succeeded jobs per minute over the last hour.';

--
-- Name: COLUMN queue_summary.overdue_sweep; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.queue_summary.overdue_sweep IS 'The crontab sweep that has waited longest past its schedule (null when none is a minute or more overdue).';

--
-- Name: COLUMN queue_summary.overdue_sweep_seconds; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.queue_summary.overdue_sweep_seconds IS 'How long that sweep has been overdue, even when its job key folded the ticks into one job.';

--
-- Name: schedule_outcome; Type: TYPE; Schema: app_public; Owner: -
--

CREATE TYPE app_public.schedule_outcome AS ENUM (
    'ran',
    'skipped'
);

--
-- Name: TYPE schedule_outcome; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TYPE app_public.schedule_outcome IS '@value ran: The kind''s action ran.
@value skipped: A misfire: later than the grace, not run.
What became of an occurrence.';

--
-- Name: schedule_trigger; Type: TYPE; Schema: app_public; Owner: -
--

CREATE TYPE app_public.schedule_trigger AS ENUM (
    'once',
    'interval',
    'cron'
);

--
-- Name: TYPE schedule_trigger; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TYPE app_public.schedule_trigger IS '@value once: Once, at run_at.
@value interval: Every `every`, from starts_at (or the creation) until ends_at.
@value cron: A five-field cron expression in an IANA time zone, between starts_at and ends_at.
When a schedule runs: once, at an interval, or on a cron expression in a time zone.';

--
-- Name: user_role; Type: TYPE; Schema: app_public; Owner: -
--

CREATE TYPE app_public.user_role AS ENUM (
    'student',
    'tutor',
    'admin'
);

--
-- Name: TYPE user_role; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TYPE app_public.user_role IS '@value student: Asks tutors for sessions.
@value tutor: Gives sessions; accepts or declines requests.
@value admin: Sees everything and runs the job queue.
What a user is on the platform.';

--
-- Name: job_spec; Type: TYPE; Schema: graphile_worker; Owner: -
--

CREATE TYPE graphile_worker.job_spec AS (
	identifier text,
	payload json,
	queue_name text,
	run_at timestamp with time zone,
	max_attempts smallint,
	job_key text,
	priority smallint,
	flags text[]
);

--
-- Name: booking_event_actor(bigint); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.booking_event_actor(id bigint) RETURNS text
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
  select case
    when v.role = 'admin' then e.actor
    when (app_private.actor_parts(e.actor)).kind = 'user'
      and e.actor not in (app_private.actor('user', b.student_id::text), app_private.actor('user', b.tutor_id::text))
      then app_private.actor('admin')
    else e.actor
  end
  from app_public.booking_events e
  join app_public.bookings b on b.id = e.booking_id
  join app_public.users v on v.id = app_hidden.current_user_id()
  where e.id = booking_event_actor.id and (v.id in (b.student_id, b.tutor_id) or v.role = 'admin')
$$;

--
-- Name: FUNCTION booking_event_actor(id bigint); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.booking_event_actor(id bigint) IS 'Who made a change you may see: the actor, but `admin` instead of an admin''s user id unless you are an admin.';

--
-- Name: booking_event_actor_name(bigint); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.booking_event_actor_name(id bigint) RETURNS text
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $_$
  select case
    when p.kind = 'user' and p.subject ~ '^[0-9a-f-]{36}$' then coalesce(
      (select u.name from app_public.users u where u.id = p.subject::uuid), a.actor)
    when p.kind = 'admin' and p.subject is null then 'an admin'
    when p.kind = 'job' then 'the ' || p.subject || ' job'
    when p.kind = 'sweep' then 'the ' || p.subject || ' sweep'
    when p.kind = 'sql' then 'database user ' || p.subject
    else a.actor
  end
  from (select app_hidden.booking_event_actor(booking_event_actor_name.id) as actor) a
  cross join lateral app_private.actor_parts(a.actor) p
  where a.actor is not null
$_$;

--
-- Name: FUNCTION booking_event_actor_name(id bigint); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.booking_event_actor_name(id bigint) IS 'Who made a booking change, for people: a user''s name, "an admin", "the <task> job", "the <task> sweep" or "database user <name>"; null for a change you may not see.';

--
-- Name: booking_events_topic(); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.booking_events_topic() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
  select case
    when app_hidden.current_user_is_admin() then app_private.subscription_topic('admin')
    else app_private.subscription_topic('user', app_hidden.current_user_id())
  end
  where app_hidden.current_user_id() is not null
$$;

--
-- Name: FUNCTION booking_events_topic(); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.booking_events_topic() IS 'The LISTEN topic of the signed-in user''s booking events: schoolbell:admin for an admin, schoolbell:user:<id> otherwise; null when anonymous.';

--
-- Name: check_time(text, timestamp with time zone); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.check_time(what text, t timestamp with time zone) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog'
    AS $$
begin
  if t is not null and not app_hidden.time_is_usable(t) then
    raise exception '% (%) must lie between 1900-01-01 and 9999-01-01', what, t using errcode = 'BADIN';
  end if;
end;
$$;

--
-- Name: FUNCTION check_time(what text, t timestamp with time zone); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.check_time(what text, t timestamp with time zone) IS 'Raises BADIN naming the argument `what` when t is not null and not a usable time.';

--
-- Name: current_user_id(); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.current_user_id() RETURNS uuid
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $_$
declare
  v_sub text := nullif(current_setting('jwt.claims.sub', true), '');
  v_role text := nullif(current_setting('jwt.claims.role', true), '');
  v_id uuid;
  v_actual app_public.user_role;
begin
  if v_sub is null then
    return null;
  end if;
  if v_sub !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    raise exception 'token subject "%" is not a user id', v_sub using errcode = 'TOKEN';
  end if;
  v_id := v_sub::uuid;
  select u.role into v_actual from app_public.users u where u.id = v_id;
  if not found then
    raise exception 'token subject % is not a user', v_id using errcode = 'TOKEN';
  end if;
  if v_role is distinct from v_actual::text then
    raise exception 'token role "%" does not match the role of user % (%)', coalesce(v_role, ''), v_id, v_actual
      using errcode = 'TOKEN';
  end if;
  return v_id;
end;
$_$;

--
-- Name: FUNCTION current_user_id(); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.current_user_id() IS 'The signed-in user''s id, or null without a token; raises TOKEN for a token that does not match a user.';

--
-- Name: current_user_is_admin(); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.current_user_is_admin() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
  select coalesce((select u.role = 'admin' from app_public.users u where u.id = app_hidden.current_user_id()), false)
$$;

--
-- Name: FUNCTION current_user_is_admin(); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.current_user_is_admin() IS 'Whether the signed-in user is an admin.';

--
-- Name: job_outcomes(bigint[], text, app_public.job_outcome); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.job_outcomes(ids bigint[], task text DEFAULT NULL::text, outcome app_public.job_outcome DEFAULT NULL::app_public.job_outcome) RETURNS json
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
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

--
-- Name: FUNCTION job_outcomes(ids bigint[], task text, outcome app_public.job_outcome); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.job_outcomes(ids bigint[], task text, outcome app_public.job_outcome) IS 'Admins: the job history rows of these ids (of this task and outcome, when given), oldest first, each with its error''s first line.';

--
-- Name: job_outcomes_topic(); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.job_outcomes_topic() RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
begin
  perform app_hidden.require_admin();
  return app_private.subscription_topic('jobs');
end;
$$;

--
-- Name: FUNCTION job_outcomes_topic(); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.job_outcomes_topic() IS 'Admins: the LISTEN topic of job outcomes, schoolbell:jobs.';

--
-- Name: my_notifications_topic(); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.my_notifications_topic() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
  select app_private.subscription_topic('notifications', app_hidden.current_user_id())
  where app_hidden.current_user_id() is not null
$$;

--
-- Name: FUNCTION my_notifications_topic(); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.my_notifications_topic() IS 'The LISTEN topic of the signed-in user''s notifications, schoolbell:notifications:<id>; null when anonymous.';

--
-- Name: notification_last_error(uuid); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.notification_last_error(id uuid) RETURNS text
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
  select n.last_error from app_public.notifications n, app_public.users v
  where n.id = notification_last_error.id and v.id = app_hidden.current_user_id() and v.role = 'admin'
$$;

--
-- Name: FUNCTION notification_last_error(id uuid); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.notification_last_error(id uuid) IS 'Why the notification''s last attempt failed, for admins; null for anyone else.';

--
-- Name: notification_scheduled_by_id(uuid); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.notification_scheduled_by_id(id uuid) RETURNS uuid
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
  select n.scheduled_by_id from app_public.notifications n, app_public.users v
  where n.id = notification_scheduled_by_id.id and v.id = app_hidden.current_user_id() and v.role = 'admin'
$$;

--
-- Name: FUNCTION notification_scheduled_by_id(id uuid); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.notification_scheduled_by_id(id uuid) IS 'The admin who scheduled the notification, for admins; null for anyone else.';

--
-- Name: queue_counts(); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.queue_counts() RETURNS json
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
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

--
-- Name: FUNCTION queue_counts(); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.queue_counts() IS 'Admins: jobs by task and state, and jobs succeeded and attempts failed over the last hour (app_public.job_counts, queue_summary).';

--
-- Name: queue_counts_topics(); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.queue_counts_topics() RETURNS text[]
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
begin
  perform app_hidden.require_admin();
  return array[app_private.subscription_topic('jobs'), 'jobs:insert'];
end;
$$;

--
-- Name: FUNCTION queue_counts_topics(); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.queue_counts_topics() IS 'Admins: the LISTEN topics that announce a change to the queue: schoolbell:jobs (outcomes) and graphile-worker''s jobs:insert.';

--
-- Name: is_time_zone(text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.is_time_zone(name text) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog'
    AS $$
  select exists (select 1 from app_private.time_zones z where z.name = is_time_zone.name)
$$;

--
-- Name: FUNCTION is_time_zone(name text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.is_time_zone(name text) IS 'Whether name is an IANA time zone Postgres knows.';

--
-- Name: users; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.users (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name text NOT NULL,
    email text NOT NULL,
    phone text,
    role app_public.user_role NOT NULL,
    time_zone text DEFAULT 'UTC'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT users_email_format CHECK (((email ~ '^[^@\s]+@[^@\s]+$'::text) AND (length(email) <= 320))),
    CONSTRAINT users_name_length CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 200))),
    CONSTRAINT users_phone_format CHECK ((phone ~ '^\+?[0-9 ()-]{5,32}$'::text)),
    CONSTRAINT users_time_zone_known CHECK (app_private.is_time_zone(time_zone))
);

--
-- Name: TABLE users; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.users IS '@behavior -insert -update -delete
A student, tutor or admin.';

--
-- Name: COLUMN users.id; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.users.id IS 'The user''s id: the `sub` claim of their tokens.';

--
-- Name: COLUMN users.name; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.users.name IS 'Display name.';

--
-- Name: COLUMN users.email; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.users.email IS '@readThrough app_hidden.user_email
@behavior -orderBy -filterBy
Email address, unique regardless of case; null unless it is yours or you are an admin.';

--
-- Name: COLUMN users.phone; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.users.phone IS '@readThrough app_hidden.user_phone
@behavior -orderBy -filterBy
Phone number for SMS reminders, if any; null unless it is yours or you are an admin.';

--
-- Name: COLUMN users.role; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.users.role IS 'Student, tutor or admin; tokens must carry the same role.';

--
-- Name: COLUMN users.time_zone; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.users.time_zone IS 'IANA time zone, e.g. Europe/Madrid; reminders show times in it.';

--
-- Name: COLUMN users.created_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.users.created_at IS 'When the user was created.';

--
-- Name: COLUMN users.updated_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.users.updated_at IS 'When the user last changed.';

--
-- Name: require_admin(); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.require_admin() RETURNS app_public.users
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
declare
  v_me app_public.users := app_hidden.require_user();
begin
  if v_me.role <> 'admin' then
    raise exception 'admins only' using errcode = 'DENYD';
  end if;
  return v_me;
end;
$$;

--
-- Name: require_user(); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.require_user() RETURNS app_public.users
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
declare
  v_user app_public.users;
begin
  select u.* into v_user from app_public.users u where u.id = app_hidden.current_user_id();
  if not found then
    raise exception 'sign in first: send Authorization: Bearer <token>' using errcode = 'LOGIN';
  end if;
  return v_user;
end;
$$;

--
-- Name: FUNCTION require_user(); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.require_user() IS 'The signed-in user; raises LOGIN without one.';

--
-- Name: time_is_usable(timestamp with time zone); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.time_is_usable(t timestamp with time zone) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog'
    AS $$
  select t >= '1900-01-01 00:00:00+00'::timestamptz and t < '9999-01-01 00:00:00+00'::timestamptz
$$;

--
-- Name: FUNCTION time_is_usable(t timestamp with time zone); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.time_is_usable(t timestamp with time zone) IS 'Whether t lies in [1900-01-01, 9999-01-01) UTC: finite, and printable and readable by JavaScript and ISO 8601.';

--
-- Name: user_email(uuid); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.user_email(id uuid) RETURNS text
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
  select u.email from app_public.users u, app_public.users v
  where u.id = user_email.id and v.id = app_hidden.current_user_id() and (v.id = u.id or v.role = 'admin')
$$;

--
-- Name: FUNCTION user_email(id uuid); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.user_email(id uuid) IS 'The user''s email, for the user themself and admins; null for anyone else.';

--
-- Name: user_phone(uuid); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.user_phone(id uuid) RETURNS text
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
  select u.phone from app_public.users u, app_public.users v
  where u.id = user_phone.id and v.id = app_hidden.current_user_id() and (v.id = u.id or v.role = 'admin')
$$;

--
-- Name: FUNCTION user_phone(id uuid); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.user_phone(id uuid) IS 'The user''s phone, for the user themself and admins; null for anyone else.';

--
-- Name: actor(text, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.actor(kind text, subject text DEFAULT NULL::text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog'
    AS $$
begin
  if kind = 'admin' and subject is null then
    return 'admin';
  elsif kind in ('user', 'job', 'sweep', 'sql') and subject <> '' then
    return kind || ':' || subject;
  end if;
  raise exception 'no actor is a % named "%" (user, job, sweep or sql with a name; admin without)', kind, subject
    using errcode = 'BADIN';
end;
$$;

--
-- Name: FUNCTION actor(kind text, subject text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.actor(kind text, subject text) IS 'An actor as booking_events records it: user:<id>, job:<task>, sweep:<task>, sql:<database user>, or admin.';

--
-- Name: actor_parts(text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.actor_parts(actor text, OUT kind text, OUT subject text) RETURNS record
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog'
    AS $$
  select case when p.colon > 0 then left(actor, p.colon - 1) else actor end,
         case when p.colon > 0 then substr(actor, p.colon + 1) end
  from (select strpos(actor, ':') as colon) p
$$;

--
-- Name: FUNCTION actor_parts(actor text, OUT kind text, OUT subject text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.actor_parts(actor text, OUT kind text, OUT subject text) IS 'An actor read back into its kind (user, job, sweep, sql, admin) and subject (the id or name; null for admin).';

--
-- Name: add_jobs(graphile_worker.job_spec[]); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.add_jobs(specs graphile_worker.job_spec[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    SET plan_cache_mode TO 'force_custom_plan'
    SET enable_seqscan TO 'off'
    AS $$
begin
  if specs is not null and cardinality(specs) > 0 then
    perform graphile_worker.add_jobs(specs);
  end if;
end;
$$;

--
-- Name: FUNCTION add_jobs(specs graphile_worker.job_spec[]); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.add_jobs(specs graphile_worker.job_spec[]) IS 'graphile_worker.add_jobs, planned for the jobs table as it is and looking jobs up by key.';

--
-- Name: pause_flag(text, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.pause_flag(kind text, name text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$
  select kind || ':' || name
$$;

--
-- Name: FUNCTION pause_flag(kind text, name text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.pause_flag(kind text, name text) IS 'The graphile-worker flag of what may pause a job: task:<identifier> or channel:<channel>.';

--
-- Name: paused; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.paused (
    kind text NOT NULL,
    name text NOT NULL,
    paused_by text NOT NULL,
    paused_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT paused_kind_check CHECK ((kind = ANY (ARRAY['task'::text, 'channel'::text])))
);

--
-- Name: TABLE paused; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.paused IS 'What is paused: a task (its jobs) or a notification channel (its deliveries), by whom and since when.';

--
-- Name: _private_job_queues; Type: TABLE; Schema: graphile_worker; Owner: -
--

CREATE TABLE graphile_worker._private_job_queues (
    id integer NOT NULL,
    queue_name text NOT NULL,
    locked_at timestamp with time zone,
    locked_by text,
    is_available boolean GENERATED ALWAYS AS ((locked_at IS NULL)) STORED NOT NULL,
    CONSTRAINT job_queues_queue_name_check CHECK ((length(queue_name) <= 128))
);

--
-- Name: _private_jobs; Type: TABLE; Schema: graphile_worker; Owner: -
--

CREATE TABLE graphile_worker._private_jobs (
    id bigint NOT NULL,
    job_queue_id integer,
    task_id integer NOT NULL,
    payload json DEFAULT '{}'::json NOT NULL,
    priority smallint DEFAULT 0 NOT NULL,
    run_at timestamp with time zone DEFAULT now() NOT NULL,
    attempts smallint DEFAULT 0 NOT NULL,
    max_attempts smallint DEFAULT 25 NOT NULL,
    last_error text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    key text,
    locked_at timestamp with time zone,
    locked_by text,
    revision integer DEFAULT 0 NOT NULL,
    flags jsonb,
    is_available boolean GENERATED ALWAYS AS (((locked_at IS NULL) AND (attempts < max_attempts))) STORED NOT NULL,
    CONSTRAINT jobs_key_check CHECK (((length(key) > 0) AND (length(key) <= 512))),
    CONSTRAINT jobs_max_attempts_check CHECK ((max_attempts >= 1))
);

--
-- Name: _private_tasks; Type: TABLE; Schema: graphile_worker; Owner: -
--

CREATE TABLE graphile_worker._private_tasks (
    id integer NOT NULL,
    identifier text NOT NULL,
    CONSTRAINT tasks_identifier_check CHECK ((length(identifier) <= 128))
);

--
-- Name: job_states; Type: VIEW; Schema: app_private; Owner: -
--

CREATE VIEW app_private.job_states AS
 SELECT j.id,
    t.identifier AS task,
    j.key,
    q.queue_name AS queue,
    (
        CASE
            WHEN (j.locked_at IS NOT NULL) THEN 'running'::text
            WHEN (j.attempts >= j.max_attempts) THEN 'failed'::text
            WHEN (j.last_error IS NOT NULL) THEN 'retrying'::text
            WHEN (j.run_at <= now()) THEN 'due'::text
            ELSE 'scheduled'::text
        END)::app_public.job_state AS state,
    j.run_at,
        CASE
            WHEN ((j.locked_at IS NULL) AND (j.attempts < j.max_attempts) AND (j.run_at <= now())) THEN (now() - j.run_at)
            ELSE NULL::interval
        END AS lateness,
    j.attempts,
    j.max_attempts,
    j.last_error,
    j.locked_by,
    j.locked_at,
    j.payload,
    j.created_at,
    j.updated_at,
    (j.is_available AND (EXISTS ( SELECT 1
           FROM app_private.paused p
          WHERE (j.flags ? app_private.pause_flag(p.kind, p.name))))) AS paused
   FROM ((graphile_worker._private_jobs j
     JOIN graphile_worker._private_tasks t ON ((t.id = j.task_id)))
     LEFT JOIN graphile_worker._private_job_queues q ON ((q.id = j.job_queue_id)));

--
-- Name: VIEW job_states; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON VIEW app_private.job_states IS 'Every job with its state (scheduled, due, running, retrying, failed), lateness, and whether a pause holds it.';

--
-- Name: admin_job_for_update(bigint, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.admin_job_for_update(id bigint, change text DEFAULT NULL::text) RETURNS app_private.job_states
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
declare
  v_job app_private.job_states;
begin
  perform 1 from graphile_worker._private_jobs j where j.id = admin_job_for_update.id for update;
  select s.* into v_job from app_private.job_states s where s.id = admin_job_for_update.id;
  if not found then
    raise exception 'job % not found (finished jobs are in jobRuns)', admin_job_for_update.id using errcode = 'NTFND';
  end if;
  if change is not null and not app_private.job_action_allowed(change, v_job.state) then
    raise exception 'job % is %; it cannot be % now', v_job.id, v_job.state, change using errcode = 'ILLTR';
  end if;
  return v_job;
end;
$$;

--
-- Name: announce_job_history(bigint[]); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.announce_job_history(ids bigint[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
begin
  perform pg_notify(app_private.subscription_topic('jobs'), json_build_object('ids', c.ids)::text)
  from (
    select array_agg(w.id order by w.id) as ids
    from (select i.id, (row_number() over (order by i.id) - 1) / 500 as chunk
            from unnest(announce_job_history.ids) as i(id)) w
    group by w.chunk
  ) c;
end;
$$;

--
-- Name: FUNCTION announce_job_history(ids bigint[]); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.announce_job_history(ids bigint[]) IS 'Announces job history ids on schoolbell:jobs, up to 500 per notification.';

--
-- Name: block_channel(uuid, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.block_channel(id uuid, until timestamp with time zone) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
begin
  insert into app_private.channel_rates as r (channel, blocked_until)
  select n.channel, until from app_public.notifications n where n.id = block_channel.id
  on conflict (channel) do update
    set blocked_until = greatest(r.blocked_until, excluded.blocked_until), updated_at = now();
  perform graphile_worker.add_jobs(array[app_private.notification_job_spec(block_channel.id, until)]);
end;
$$;

--
-- Name: FUNCTION block_channel(id uuid, until timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.block_channel(id uuid, until timestamp with time zone) IS 'Holds a notification''s channel back until `until` (a gateway''s 429) and moves the notification''s job there.';

--
-- Name: bookings; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.bookings (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    student_id uuid NOT NULL,
    tutor_id uuid NOT NULL,
    subject text NOT NULL,
    starts_at timestamp with time zone NOT NULL,
    ends_at timestamp with time zone NOT NULL,
    state app_public.booking_state DEFAULT 'requested'::app_public.booking_state NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT bookings_at_most_a_day CHECK (((ends_at - starts_at) <= '24:00:00'::interval)),
    CONSTRAINT bookings_ends_after_start CHECK ((ends_at > starts_at)),
    CONSTRAINT bookings_not_with_self CHECK ((student_id <> tutor_id)),
    CONSTRAINT bookings_subject_length CHECK (((length(btrim(subject)) >= 1) AND (length(btrim(subject)) <= 200))),
    CONSTRAINT bookings_times_usable CHECK ((app_hidden.time_is_usable(starts_at) AND app_hidden.time_is_usable(ends_at) AND app_hidden.time_is_usable(expires_at)))
);

--
-- Name: TABLE bookings; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.bookings IS '@behavior -insert -update -delete
A tutoring session: requested by a student, accepted or declined by the tutor, then started and ended on time.';

--
-- Name: COLUMN bookings.id; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.bookings.id IS 'The booking''s id.';

--
-- Name: COLUMN bookings.student_id; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.bookings.student_id IS 'The student who asked for the session.';

--
-- Name: COLUMN bookings.tutor_id; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.bookings.tutor_id IS 'The tutor who gives it.';

--
-- Name: COLUMN bookings.subject; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.bookings.subject IS 'What the session is about.';

--
-- Name: COLUMN bookings.starts_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.bookings.starts_at IS 'When the session starts; it becomes active then.';

--
-- Name: COLUMN bookings.ends_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.bookings.ends_at IS 'When the session ends; it becomes ended END_GRACE later.';

--
-- Name: COLUMN bookings.state; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.bookings.state IS 'Where the booking is in its life.';

--
-- Name: COLUMN bookings.expires_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.bookings.expires_at IS 'When an unanswered request expires: REQUEST_TTL after it was made, or at starts_at if that is sooner.';

--
-- Name: COLUMN bookings.created_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.bookings.created_at IS 'When the booking was requested.';

--
-- Name: COLUMN bookings.updated_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.bookings.updated_at IS 'When the booking last changed.';

--
-- Name: CONSTRAINT bookings_times_usable ON bookings; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON CONSTRAINT bookings_times_usable ON app_public.bookings IS 'starts_at, ends_at and expires_at lie between 1900 and 9999.';

--
-- Name: booking_time(app_public.bookings, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.booking_time(booking app_public.bookings, name text) RETURNS timestamp with time zone
    LANGUAGE sql IMMUTABLE
    AS $$
  select case name
    when 'expires_at' then booking.expires_at
    when 'starts_at' then booking.starts_at
    when 'ends_at' then booking.ends_at
    else app_private.no_deadline_column(name)
  end
$$;

--
-- Name: FUNCTION booking_time(booking app_public.bookings, name text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.booking_time(booking app_public.bookings, name text) IS 'A booking''s time by the name of its column, for the columns a deadline may use; any other name is refused.';

--
-- Name: booking_transition_allowed(app_public.booking_state, app_public.booking_state); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.booking_transition_allowed(from_state app_public.booking_state, to_state app_public.booking_state) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog'
    AS $$
  select (from_state, to_state) in (
    ('requested'::app_public.booking_state, 'scheduled'::app_public.booking_state),
    ('requested', 'declined'),
    ('requested', 'cancelled'),
    ('requested', 'expired'),
    ('scheduled', 'active'),
    ('scheduled', 'cancelled'),
    ('active', 'ended')
  )
$$;

--
-- Name: FUNCTION booking_transition_allowed(from_state app_public.booking_state, to_state app_public.booking_state); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.booking_transition_allowed(from_state app_public.booking_state, to_state app_public.booking_state) IS 'Whether the state machine allows moving a booking from one state to the other.';

--
-- Name: booking_deadlines; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.booking_deadlines (
    from_state app_public.booking_state NOT NULL,
    to_state app_public.booking_state NOT NULL,
    deadline_column text NOT NULL,
    grace_setting text,
    timer_task text NOT NULL,
    sweep_task text NOT NULL,
    too_early text NOT NULL,
    CONSTRAINT booking_deadlines_allowed CHECK (app_private.booking_transition_allowed(from_state, to_state)),
    CONSTRAINT booking_deadlines_column CHECK ((app_private.booking_time(NULL::app_public.bookings, deadline_column) IS NULL)),
    CONSTRAINT booking_deadlines_tasks_differ CHECK ((timer_task <> sweep_task)),
    CONSTRAINT booking_deadlines_too_early_names_deadline CHECK ((too_early ~~ '%\%s%'::text))
);

--
-- Name: TABLE booking_deadlines; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.booking_deadlines IS 'The booking state machine''s time-driven moves: from which state, to which, at which deadline, by which timer and which sweep.';

--
-- Name: COLUMN booking_deadlines.from_state; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.booking_deadlines.from_state IS 'The state a booking waits in; it waits for at most one deadline.';

--
-- Name: COLUMN booking_deadlines.to_state; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.booking_deadlines.to_state IS 'Where the booking goes when the deadline comes.';

--
-- Name: COLUMN booking_deadlines.deadline_column; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.booking_deadlines.deadline_column IS 'The timestamptz column of app_public.bookings that holds the deadline; the instant that names the timer.';

--
-- Name: COLUMN booking_deadlines.grace_setting; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.booking_deadlines.grace_setting IS 'The interval setting (app_private.settings) added to the column to make the deadline; null for none.';

--
-- Name: COLUMN booking_deadlines.timer_task; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.booking_deadlines.timer_task IS 'The task of the exact-time timer, one job per instant: timer:<task>:<instant>.';

--
-- Name: COLUMN booking_deadlines.sweep_task; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.booking_deadlines.sweep_task IS 'The crontab sweep that moves whatever is overdue: sweep:<task>.';

--
-- Name: COLUMN booking_deadlines.too_early; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.booking_deadlines.too_early IS 'How the guard refuses the move before the deadline: the end of its message, %s for the deadline.';

--
-- Name: booking_deadline_of(text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.booking_deadline_of(task text) RETURNS app_private.booking_deadlines
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog'
    AS $$
declare
  v_deadline app_private.booking_deadlines;
begin
  select d.* into v_deadline from app_private.booking_deadlines d where booking_deadline_of.task in (d.timer_task, d.sweep_task);
  if not found then
    raise exception 'no booking timer or sweep named "%"', booking_deadline_of.task using errcode = 'BADIN';
  end if;
  return v_deadline;
end;
$$;

--
-- Name: FUNCTION booking_deadline_of(task text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.booking_deadline_of(task text) IS 'The row of app_private.booking_deadlines whose timer or sweep a task is; BADIN for any other task.';

--
-- Name: bookings_at_deadline(app_private.booking_deadlines, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.bookings_at_deadline(deadline app_private.booking_deadlines, instant timestamp with time zone) RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog'
    AS $_$
declare
  v_waiting boolean;
begin
  execute format('select exists (select 1 from app_public.bookings where state = %L and %I = $1)',
    deadline.from_state, deadline.deadline_column)
    into v_waiting using instant;
  return v_waiting;
end;
$_$;

--
-- Name: FUNCTION bookings_at_deadline(deadline app_private.booking_deadlines, instant timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.bookings_at_deadline(deadline app_private.booking_deadlines, instant timestamp with time zone) IS 'Whether any booking still waits in the deadline''s state for that instant.';

--
-- Name: bookings_due_at(app_private.booking_deadlines, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.bookings_due_at(deadline app_private.booking_deadlines, instant timestamp with time zone) RETURNS integer
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog'
    AS $_$
declare
  v_count integer;
begin
  execute format('select count(*)::integer from app_public.bookings where state = %L and %I = $1',
    deadline.from_state, deadline.deadline_column)
    into v_count using instant;
  return v_count;
end;
$_$;

--
-- Name: FUNCTION bookings_due_at(deadline app_private.booking_deadlines, instant timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.bookings_due_at(deadline app_private.booking_deadlines, instant timestamp with time zone) IS 'How many bookings wait in the deadline''s state for that instant.';

--
-- Name: bulk_action_limit(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.bulk_action_limit() RETURNS integer
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog'
    AS $$
  select 1000
$$;

--
-- Name: FUNCTION bulk_action_limit(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.bulk_action_limit() IS 'The most jobs one bulk action (retryJobs, cancelJobs, rescheduleJobs) acts on.';

--
-- Name: bulk_job_ids(text, text, app_public.job_state, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.bulk_job_ids(change text, task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone) RETURNS bigint[]
    LANGUAGE sql
    SET search_path TO 'pg_catalog'
    AS $$
  select coalesce(array_agg(j.id order by j.run_at, j.id), '{}')
  from (
    select pj.id, pj.run_at
    from graphile_worker._private_jobs pj
    where pj.id in (
      select m.id from app_private.jobs_matching(bulk_job_ids.task, bulk_job_ids.state, bulk_job_ids.since, bulk_job_ids.until) m
      where app_private.job_action_allowed(change, m.state)
    )
    order by pj.run_at, pj.id
    limit app_private.bulk_action_limit()
    for update skip locked
  ) j
$$;

--
-- Name: change_jobs(text, text, app_public.job_state, timestamp with time zone, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.change_jobs(change text, task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone, run_at timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
declare
  v_ids bigint[];
  v_id bigint;
begin
  -- A bad runAt is refused even when no job matches.
  if change = 'rescheduled' and (run_at is null or not isfinite(run_at)) then
    raise exception 'runAt must be a real time' using errcode = 'BADIN';
  end if;
  perform app_hidden.check_time('runAt', run_at);
  v_ids := app_private.bulk_job_ids(change, task, state, since, until);
  foreach v_id in array v_ids loop
    case change
      when 'retried' then perform app_public.retry_job(v_id);
      when 'cancelled' then perform app_public.cancel_job(v_id);
      when 'rescheduled' then perform app_public.reschedule_job(v_id, change_jobs.run_at);
    end case;
  end loop;
  return cardinality(v_ids);
end;
$$;

--
-- Name: check_pause(text, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.check_pause(kind text, name text) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog'
    AS $$
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

--
-- Name: FUNCTION check_pause(kind text, name text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.check_pause(kind text, name text) IS 'Refuses (BADIN) a pause of a task no worker knows or of a channel that does not exist.';

--
-- Name: check_session_times(timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.check_session_times(starts_at timestamp with time zone, ends_at timestamp with time zone) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog'
    AS $$
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

--
-- Name: FUNCTION check_session_times(starts_at timestamp with time zone, ends_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.check_session_times(starts_at timestamp with time zone, ends_at timestamp with time zone) IS 'Raises BADIN unless [starts_at, ends_at) is a real session: in order, at most a day, in the future, within BOOKING_HORIZON.';

--
-- Name: daily_agenda(uuid, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.daily_agenda(user_id uuid, at timestamp with time zone) RETURNS json
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog'
    AS $$
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

--
-- Name: FUNCTION daily_agenda(user_id uuid, at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.daily_agenda(user_id uuid, at timestamp with time zone) IS 'A user''s time zone, the day `at` falls on there, and their scheduled or running sessions that start that day; null for no such user.';

--
-- Name: deadline_grace(app_private.booking_deadlines); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.deadline_grace(deadline app_private.booking_deadlines) RETURNS interval
    LANGUAGE sql STABLE
    AS $$
  select case when deadline.grace_setting is null then interval '0' else app_private.setting_interval(deadline.grace_setting) end
$$;

--
-- Name: FUNCTION deadline_grace(deadline app_private.booking_deadlines); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.deadline_grace(deadline app_private.booking_deadlines) IS 'How long after its instant a deadline falls: its grace setting, or nothing.';

--
-- Name: deadline_instant(app_public.bookings, app_private.booking_deadlines); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.deadline_instant(booking app_public.bookings, deadline app_private.booking_deadlines) RETURNS timestamp with time zone
    LANGUAGE sql IMMUTABLE
    AS $$
  select app_private.booking_time(booking, deadline.deadline_column)
$$;

--
-- Name: FUNCTION deadline_instant(booking app_public.bookings, deadline app_private.booking_deadlines); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.deadline_instant(booking app_public.bookings, deadline app_private.booking_deadlines) IS 'The instant a booking waits for under a deadline: its deadline column, which names its timer.';

--
-- Name: enqueue_notification(uuid, app_public.notification_channel, text, uuid); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.enqueue_notification(recipient_id uuid, channel app_public.notification_channel, message text, scheduled_by_id uuid) RETURNS uuid
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
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

--
-- Name: FUNCTION enqueue_notification(recipient_id uuid, channel app_public.notification_channel, message text, scheduled_by_id uuid); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.enqueue_notification(recipient_id uuid, channel app_public.notification_channel, message text, scheduled_by_id uuid) IS 'Puts a notification due now in the outbox, with its send_notification job; null channel: REMINDER_CHANNEL.';

--
-- Name: finish_schedule_occurrence(uuid, timestamp with time zone, app_public.schedule_outcome, integer, bigint, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.finish_schedule_occurrence(schedule_id uuid, occurrence timestamp with time zone, outcome app_public.schedule_outcome, coalesced integer, job_id bigint, next_run_at timestamp with time zone) RETURNS void
    LANGUAGE sql
    SET search_path TO 'pg_catalog'
    AS $$
  insert into app_public.schedule_runs (schedule_id, occurrence, outcome, coalesced, job_id)
  values (schedule_id, occurrence, outcome, coalesced, job_id);
  update app_public.schedules s set next_run_at = finish_schedule_occurrence.next_run_at
  where s.id = finish_schedule_occurrence.schedule_id;
$$;

--
-- Name: FUNCTION finish_schedule_occurrence(schedule_id uuid, occurrence timestamp with time zone, outcome app_public.schedule_outcome, coalesced integer, job_id bigint, next_run_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.finish_schedule_occurrence(schedule_id uuid, occurrence timestamp with time zone, outcome app_public.schedule_outcome, coalesced integer, job_id bigint, next_run_at timestamp with time zone) IS 'Records what became of an occurrence and sets the schedule''s next one (null: finished).';

--
-- Name: fire_booking_timer(uuid, app_public.booking_state, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.fire_booking_timer(booking_id uuid, to_state app_public.booking_state, task text) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
declare
  v_booking app_public.bookings;
  v_deadline app_private.booking_deadlines;
begin
  perform 1 from app_private.booking_deadlines d where d.to_state = fire_booking_timer.to_state;
  if not found then
    raise exception 'no timer moves a booking to %', to_state using errcode = 'BADIN';
  end if;
  select b.* into v_booking from app_public.bookings b where b.id = fire_booking_timer.booking_id for update;
  if not found then
    return 'gone';
  end if;
  select d.* into v_deadline from app_private.booking_deadlines d
  where d.from_state = v_booking.state and d.to_state = fire_booking_timer.to_state;
  if not found then
    return 'moved on';
  end if;
  if now() < app_private.deadline_instant(v_booking, v_deadline) + app_private.deadline_grace(v_deadline) then
    return 'not due';
  end if;
  perform app_private.transition_booking(v_booking.id, to_state, app_private.actor('job', task));
  return 'moved';
end;
$$;

--
-- Name: FUNCTION fire_booking_timer(booking_id uuid, to_state app_public.booking_state, task text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.fire_booking_timer(booking_id uuid, to_state app_public.booking_state, task text) IS 'Runs one exact-time transition if it is still due; idempotent.';

--
-- Name: fire_timer(text, timestamp with time zone, integer, boolean); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.fire_timer(task text, instant timestamp with time zone, batch_size integer, wait boolean, OUT moved integer, OUT waiting boolean) RETURNS record
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
declare
  v_deadline app_private.booking_deadlines := app_private.booking_deadline_of(task);
begin
  moved := app_private.move_due_bookings(v_deadline, instant, batch_size, wait, app_private.actor('job', task));
  waiting := app_private.bookings_at_deadline(v_deadline, instant);
  if wait and waiting then
    -- Still waiting after every due one moved: their deadline is later than this run. Set the
    -- timer again for it (the running job gives its key to the new one).
    perform app_private.add_jobs(array[
      app_private.timer_spec(v_deadline.timer_task, instant, app_private.deadline_grace(v_deadline))]);
  end if;
end;
$$;

--
-- Name: FUNCTION fire_timer(task text, instant timestamp with time zone, batch_size integer, wait boolean, OUT moved integer, OUT waiting boolean); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.fire_timer(task text, instant timestamp with time zone, batch_size integer, wait boolean, OUT moved integer, OUT waiting boolean) IS 'Runs an instant timer: moves the bookings of its deadline due at that instant, set-wise; idempotent.';

--
-- Name: give_up_job(bigint); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.give_up_job(job_id bigint) RETURNS void
    LANGUAGE sql
    SET search_path TO 'pg_catalog'
    AS $$
  update graphile_worker._private_jobs set max_attempts = greatest(attempts, 1) where id = job_id;
$$;

--
-- Name: FUNCTION give_up_job(job_id bigint); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.give_up_job(job_id bigint) IS 'Makes the running job''s coming failure permanent (no more retries).';

--
-- Name: instant_text(timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.instant_text(at timestamp with time zone) RETURNS text
    LANGUAGE sql STABLE
    AS $$
  select pg_catalog.to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

--
-- Name: FUNCTION instant_text(at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.instant_text(at timestamp with time zone) IS 'An instant as the timers name it: ISO 8601 in UTC with microseconds.';

--
-- Name: job_action_allowed(text, app_public.job_state); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.job_action_allowed(change text, state app_public.job_state) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog'
    AS $$
  select case change
    when 'retried' then state in ('failed', 'retrying')
    when 'cancelled' then state <> 'running'
    when 'rescheduled' then state <> 'running'
    else false
  end
$$;

--
-- Name: FUNCTION job_action_allowed(change text, state app_public.job_state); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.job_action_allowed(change text, state app_public.job_state) IS 'Whether an admin may change a job in this state so (retried, cancelled, rescheduled): retry a failed or retrying job, cancel or move one that is not running.';

--
-- Name: jobs_matching(text, app_public.job_state, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.jobs_matching(task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone) RETURNS SETOF app_private.job_states
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog'
    AS $$
begin
  if task is null and state is null and since is null and until is null then
    raise exception 'filter: give at least one of task, state, since, until (an empty filter would match every job)'
      using errcode = 'BADIN';
  end if;
  perform app_hidden.check_time('since', since);
  perform app_hidden.check_time('until', until);
  if until <= since then
    raise exception 'until (%) must be after since (%)', until, since using errcode = 'BADIN';
  end if;
  return query
    select s.* from app_private.job_states s
    where (jobs_matching.task is null or s.task = jobs_matching.task)
      and (jobs_matching.state is null or s.state = jobs_matching.state)
      and (jobs_matching.since is null or s.run_at >= jobs_matching.since)
      and (jobs_matching.until is null or s.run_at < jobs_matching.until);
end;
$$;

--
-- Name: schedules; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.schedules (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name text NOT NULL,
    kind text NOT NULL,
    payload jsonb DEFAULT '{}'::jsonb NOT NULL,
    user_id uuid GENERATED ALWAYS AS (((payload ->> 'userId'::text))::uuid) STORED,
    created_by uuid,
    trigger app_public.schedule_trigger NOT NULL,
    run_at timestamp with time zone,
    every interval,
    cron text,
    time_zone text,
    starts_at timestamp with time zone,
    ends_at timestamp with time zone,
    paused boolean DEFAULT false NOT NULL,
    misfire_grace interval,
    next_run_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT schedules_cron_fields CHECK (((cron ~ '^[^ ]+( [^ ]+){4}$'::text) AND (length(cron) <= 200))),
    CONSTRAINT schedules_end_after_start CHECK ((ends_at > starts_at)),
    CONSTRAINT schedules_every_positive CHECK ((every > '00:00:00'::interval)),
    CONSTRAINT schedules_misfire_grace_positive CHECK ((misfire_grace >= '00:00:00'::interval)),
    CONSTRAINT schedules_name_length CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 200))),
    CONSTRAINT schedules_payload_object CHECK ((jsonb_typeof(payload) = 'object'::text)),
    CONSTRAINT schedules_time_zone_known CHECK (((time_zone IS NULL) OR app_private.is_time_zone(time_zone))),
    CONSTRAINT schedules_times_usable CHECK ((((run_at IS NULL) OR app_hidden.time_is_usable(run_at)) AND ((starts_at IS NULL) OR app_hidden.time_is_usable(starts_at)) AND ((ends_at IS NULL) OR app_hidden.time_is_usable(ends_at)) AND ((next_run_at IS NULL) OR app_hidden.time_is_usable(next_run_at)))),
    CONSTRAINT schedules_trigger_shape CHECK (
CASE trigger
    WHEN 'once'::app_public.schedule_trigger THEN ((run_at IS NOT NULL) AND (every IS NULL) AND (cron IS NULL) AND (time_zone IS NULL) AND (starts_at IS NULL) AND (ends_at IS NULL))
    WHEN 'interval'::app_public.schedule_trigger THEN ((run_at IS NULL) AND (every IS NOT NULL) AND (cron IS NULL) AND (time_zone IS NULL))
    WHEN 'cron'::app_public.schedule_trigger THEN ((run_at IS NULL) AND (every IS NULL) AND (cron IS NOT NULL) AND (time_zone IS NOT NULL))
    ELSE NULL::boolean
END)
);

--
-- Name: TABLE schedules; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.schedules IS '@behavior -insert -update -delete
A runtime schedule: a task kind and its payload, run once, at an interval or on a cron expression in a time zone.';

--
-- Name: COLUMN schedules.id; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedules.id IS 'The schedule''s id; its job is keyed schedule:<id>.';

--
-- Name: COLUMN schedules.name; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedules.name IS 'What the schedule is for, 1 to 200 characters.';

--
-- Name: COLUMN schedules.kind; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedules.kind IS 'The task kind it runs (notify_user, daily_agenda).';

--
-- Name: COLUMN schedules.payload; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedules.payload IS 'The kind''s payload, checked by the kind''s schema when written.';

--
-- Name: COLUMN schedules.user_id; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedules.user_id IS 'The user the schedule concerns (its payload''s userId).';

--
-- Name: COLUMN schedules.created_by; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedules.created_by IS 'Who created it.';

--
-- Name: COLUMN schedules.trigger; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedules.trigger IS 'once, interval or cron.';

--
-- Name: COLUMN schedules.run_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedules.run_at IS 'For a once schedule: when it runs.';

--
-- Name: COLUMN schedules.every; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedules.every IS 'For an interval schedule: the time between two occurrences (exact elapsed time).';

--
-- Name: COLUMN schedules.cron; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedules.cron IS 'For a cron schedule: the five cron fields, read in time_zone.';

--
-- Name: COLUMN schedules.time_zone; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedules.time_zone IS 'For a cron schedule: the IANA time zone its expression is read in.';

--
-- Name: COLUMN schedules.starts_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedules.starts_at IS 'No occurrence before this; an interval schedule counts its occurrences from it (else from its creation).';

--
-- Name: COLUMN schedules.ends_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedules.ends_at IS 'No occurrence after this.';

--
-- Name: COLUMN schedules.paused; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedules.paused IS '@behavior +filterBy
A paused schedule has no job and runs nothing.';

--
-- Name: COLUMN schedules.misfire_grace; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedules.misfire_grace IS 'How late an occurrence may still run; null for SCHEDULE_MISFIRE_GRACE.';

--
-- Name: COLUMN schedules.next_run_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedules.next_run_at IS 'The next occurrence; null when the schedule is finished.';

--
-- Name: COLUMN schedules.created_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedules.created_at IS 'When it was created.';

--
-- Name: COLUMN schedules.updated_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedules.updated_at IS 'When it last changed.';

--
-- Name: lock_schedule_occurrence(uuid, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.lock_schedule_occurrence(schedule_id uuid, occurrence timestamp with time zone, OUT schedule app_public.schedules, OUT grace interval) RETURNS record
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
begin
  select s.* into schedule from app_public.schedules s where s.id = lock_schedule_occurrence.schedule_id for update;
  if not found or schedule.paused or schedule.next_run_at is distinct from lock_schedule_occurrence.occurrence then
    schedule := null;
    return;
  end if;
  grace := coalesce(schedule.misfire_grace, app_private.setting_interval('schedule_misfire_grace'));
end;
$$;

--
-- Name: FUNCTION lock_schedule_occurrence(schedule_id uuid, occurrence timestamp with time zone, OUT schedule app_public.schedules, OUT grace interval); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.lock_schedule_occurrence(schedule_id uuid, occurrence timestamp with time zone, OUT schedule app_public.schedules, OUT grace interval) IS 'Locks a schedule for run_schedule; null when its job is stale (schedule gone, paused, finished or moved on).';

--
-- Name: move_booking_as_user(uuid, app_public.booking_state, uuid, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.move_booking_as_user(booking_id uuid, to_state app_public.booking_state, user_id uuid, reason text DEFAULT NULL::text) RETURNS app_public.bookings
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
begin
  if length(move_booking_as_user.reason) > 1000 then
    raise exception 'reason must have at most 1000 characters' using errcode = 'BADIN';
  end if;
  return app_private.transition_booking(move_booking_as_user.booking_id, move_booking_as_user.to_state,
    app_private.actor('user', move_booking_as_user.user_id::text), nullif(btrim(move_booking_as_user.reason), ''));
end;
$$;

--
-- Name: FUNCTION move_booking_as_user(booking_id uuid, to_state app_public.booking_state, user_id uuid, reason text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.move_booking_as_user(booking_id uuid, to_state app_public.booking_state, user_id uuid, reason text) IS 'Moves a booking for a user who may, audited as them, with an optional reason of at most 1000 characters.';

--
-- Name: move_due_bookings(app_private.booking_deadlines, timestamp with time zone, integer, boolean, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.move_due_bookings(deadline app_private.booking_deadlines, instant timestamp with time zone, batch_size integer, wait boolean, actor text) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $_$
declare
  v_moved integer;
begin
  perform app_private.set_actor(actor);
  execute format(
    'update app_public.bookings b set state = %L where b.id in ('
      'select id from app_public.bookings where state = %L and %s <= now()%s %s)',
    deadline.to_state,
    deadline.from_state,
    -- A deadline without grace is the column itself: the sweep's condition reads the index.
    format(case when deadline.grace_setting is null then '%I' else '%I + $3' end, deadline.deadline_column),
    case when instant is not null then format(' and %I = $1', deadline.deadline_column) else '' end,
    case
      when instant is null then format('order by %I limit $2 for update skip locked', deadline.deadline_column)
      when wait then 'order by id for update'
      else 'limit $2 for update skip locked'
    end
  ) using instant, batch_size, app_private.deadline_grace(deadline);
  get diagnostics v_moved = row_count;
  perform app_private.set_actor(null);
  return v_moved;
end;
$_$;

--
-- Name: FUNCTION move_due_bookings(deadline app_private.booking_deadlines, instant timestamp with time zone, batch_size integer, wait boolean, actor text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.move_due_bookings(deadline app_private.booking_deadlines, instant timestamp with time zone, batch_size integer, wait boolean, actor text) IS 'Moves the bookings whose deadline has come, at one instant (a timer) or any (a sweep), in one statement.';

--
-- Name: no_deadline_column(text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.no_deadline_column(name text) RETURNS timestamp with time zone
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog'
    AS $$
begin
  raise exception 'app_public.bookings has no deadline column "%" (app_private.booking_time)', name using errcode = 'BADIN';
end;
$$;

--
-- Name: FUNCTION no_deadline_column(name text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.no_deadline_column(name text) IS 'Refuses a deadline column booking_time does not know.';

--
-- Name: notification_job_key(uuid); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.notification_job_key(id uuid) RETURNS text
    LANGUAGE sql STABLE
    AS $$
  select 'notification:' || id
$$;

--
-- Name: FUNCTION notification_job_key(id uuid); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.notification_job_key(id uuid) IS 'The job key of a notification''s delivery: notification:<id>.';

--
-- Name: notification_job_spec(uuid, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.notification_job_spec(id uuid, run_at timestamp with time zone) RETURNS graphile_worker.job_spec
    LANGUAGE sql STABLE
    AS $$
  select ('send_notification', pg_catalog.json_build_object('notificationId', id), null, run_at, 25,
    app_private.notification_job_key(id), null, null)::graphile_worker.job_spec
$$;

--
-- Name: FUNCTION notification_job_spec(id uuid, run_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.notification_job_spec(id uuid, run_at timestamp with time zone) IS 'The graphile-worker job spec of a notification''s delivery at run_at (send_notification, keyed notification:<id>).';

--
-- Name: notification_slot_job_spec(uuid, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.notification_slot_job_spec(id uuid, slot timestamp with time zone) RETURNS graphile_worker.job_spec
    LANGUAGE sql STABLE
    AS $$
  select (s.identifier, (s.payload::jsonb || pg_catalog.jsonb_build_object('slot', slot))::json,
    s.queue_name, s.run_at, s.max_attempts, s.job_key, s.priority, s.flags)::graphile_worker.job_spec
    from app_private.notification_job_spec(id, slot) s
$$;

--
-- Name: FUNCTION notification_slot_job_spec(id uuid, slot timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.notification_slot_job_spec(id uuid, slot timestamp with time zone) IS 'The job spec of a notification''s delivery moved to a rate-limit slot (notification_job_spec, the slot in the payload).';

--
-- Name: pause(text, text, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.pause(kind text, name text, paused_by text DEFAULT NULL::text) RETURNS app_public.pause
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
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

--
-- Name: FUNCTION pause(kind text, name text, paused_by text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.pause(kind text, name text, paused_by text) IS 'Pauses a task (kind task) or a notification channel (kind channel): workers stop fetching its jobs, which stay queued.';

--
-- Name: pause_schedule(uuid); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.pause_schedule(id uuid) RETURNS app_public.schedules
    LANGUAGE sql
    SET search_path TO 'pg_catalog'
    AS $$
  select app_private.set_schedule_paused(pause_schedule.id, true)
$$;

--
-- Name: FUNCTION pause_schedule(id uuid); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.pause_schedule(id uuid) IS 'Pauses a schedule: its job is removed, next_run_at kept. Pausing twice is fine.';

--
-- Name: paused_flags(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.paused_flags() RETURNS text[]
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog'
    AS $$
  select coalesce(array_agg(app_private.pause_flag(p.kind, p.name) order by p.kind, p.name), '{}')
  from app_private.paused p
$$;

--
-- Name: FUNCTION paused_flags(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.paused_flags() IS 'The flags workers must not fetch (graphile-worker''s forbiddenFlags): one per row of app_private.paused.';

--
-- Name: prune_job_history(integer); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.prune_job_history(batch_size integer) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
declare
  v_deleted integer;
begin
  delete from app_private.job_history
  where id in (
    select id from app_private.job_history
    where finished_at < now() - app_private.setting_interval('job_history_retention')
    order by id limit batch_size
  );
  get diagnostics v_deleted = row_count;
  return v_deleted;
end;
$$;

--
-- Name: FUNCTION prune_job_history(batch_size integer); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.prune_job_history(batch_size integer) IS 'Deletes up to batch_size history rows older than the retention.';

--
-- Name: raise_booking_conflict(text, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.raise_booking_conflict(constraint_name text, starts_at timestamp with time zone, ends_at timestamp with time zone) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog'
    AS $$
begin
  if constraint_name = 'bookings_no_duplicate_request' then
    raise exception 'you already have an open request with this tutor overlapping % – %', starts_at, ends_at
      using errcode = 'DUPRQ';
  end if;
  raise exception 'the tutor already has a session overlapping % – %', starts_at, ends_at using errcode = 'OVLAP';
end;
$$;

--
-- Name: FUNCTION raise_booking_conflict(constraint_name text, starts_at timestamp with time zone, ends_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.raise_booking_conflict(constraint_name text, starts_at timestamp with time zone, ends_at timestamp with time zone) IS 'Raises DUPRQ or OVLAP for an exclusion violation on app_public.bookings, by constraint.';

--
-- Name: record_notification_attempt(uuid, text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.record_notification_attempt(id uuid, error text, retry_at timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
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

--
-- Name: FUNCTION record_notification_attempt(id uuid, error text, retry_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.record_notification_attempt(id uuid, error text, retry_at timestamp with time zone) IS 'Records a delivery attempt: sent (error null), or failed, retried at retry_at (its job moved there) or for good.';

--
-- Name: recover_dead_workers(interval); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.recover_dead_workers(dead_after interval) RETURNS TABLE(worker_id text, jobs bigint)
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
declare
  v_dead text[];
begin
  select array_agg(distinct d.id) into v_dead from (
    select w.id from app_private.workers w where w.last_seen_at < now() - dead_after
    union
    select j.locked_by from graphile_worker._private_jobs j
    where j.locked_by is not null and j.locked_at < now() - dead_after
      and not exists (select 1 from app_private.workers w where w.id = j.locked_by)
  ) d;
  if v_dead is null then
    return;
  end if;
  -- Their jobs are held until this commits, so that a run a worker thought dead (only cut off)
  -- completed meanwhile is not also written as crashed: its completion either committed
  -- before (the job is gone) or waits for this (the job is unlocked, the worker reports it).
  perform 1 from graphile_worker._private_jobs j where j.locked_by = any (v_dead) for update;
  insert into app_private.job_history (job_id, task, job_key, attempt, run_at, started_at, taken_at, finished_at, outcome, error, worker_id, payload)
  select j.id, t.identifier, j.key, j.attempts, j.run_at, j.locked_at, j.locked_at, now(), 'crashed',
         format('worker %s stopped heartbeating', j.locked_by), j.locked_by, j.payload
  from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
  where j.locked_by = any (v_dead);
  return query
    select j.locked_by, count(*) from graphile_worker._private_jobs j
    where j.locked_by = any (v_dead) group by j.locked_by;
  perform graphile_worker.force_unlock_workers(v_dead);
  delete from app_private.workers w where w.id = any (v_dead);
end;
$$;

--
-- Name: FUNCTION recover_dead_workers(dead_after interval); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.recover_dead_workers(dead_after interval) IS 'Unlocks the jobs of workers whose heartbeat stopped longer than dead_after ago.';

--
-- Name: remove_jobs(text[]); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.remove_jobs(keys text[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    SET plan_cache_mode TO 'force_custom_plan'
    SET enable_seqscan TO 'off'
    AS $$
begin
  perform graphile_worker.remove_job(k) from unnest(keys) k;
end;
$$;

--
-- Name: FUNCTION remove_jobs(keys text[]); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.remove_jobs(keys text[]) IS 'graphile_worker.remove_job for each key, planned for the jobs table as it is and looking jobs up by key.';

--
-- Name: report_job_runs(json); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.report_job_runs(reports json) RETURNS TABLE(report integer)
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
declare
  v_refined bigint[];
  v_held integer[];
begin
  with v as (
    select e.n::integer as n, r.*
      from json_array_elements(reports) with ordinality as e(report, n),
           json_to_record(e.report) as r(
             job_id bigint, task text, job_key text, attempt integer, run_at timestamptz,
             taken_at timestamptz, started_at timestamptz, finished_at timestamptz,
             duration_ms double precision, outcome app_public.job_outcome, error text,
             worker_id text, payload json, idle boolean)
  ), matched as (
    -- The worker's clock has milliseconds, the database's microseconds.
    select v.*, h.id as history_id
      from v join app_private.job_history h
        on h.job_id = v.job_id and h.worker_id = v.worker_id
       and h.taken_at >= v.taken_at - interval '1 millisecond'
       and h.taken_at < v.taken_at + interval '1 millisecond'
       and h.outcome in ('success', 'error', 'failed')
  ), unmatched as (
    select v.* from v where not exists (select 1 from matched m where m.n = v.n)
  ), held as (
    select u.n from unmatched u
     where exists (select 1 from graphile_worker._private_jobs j
                    where j.id = u.job_id and j.locked_by = u.worker_id
                      and j.locked_at >= u.taken_at - interval '1 millisecond'
                      and j.locked_at < u.taken_at + interval '1 millisecond')
  ), refined as (
    update app_private.job_history h
       set started_at = m.started_at, duration_ms = m.duration_ms, attempt = m.attempt,
           job_key = m.job_key, outcome = m.outcome, error = m.error
      from matched m
     where h.id = m.history_id and not m.idle
    returning h.id
  ), dropped as (
    delete from app_private.job_history h
     using matched m
     where h.id = m.history_id and m.idle
    returning h.id
  ), written as (
    insert into app_private.job_history
      (job_id, task, job_key, attempt, run_at, taken_at, started_at, finished_at, duration_ms,
       outcome, error, worker_id, payload)
    select u.job_id, u.task, u.job_key, u.attempt, u.run_at, u.taken_at, u.started_at,
           u.finished_at, u.duration_ms, u.outcome, u.error, u.worker_id, u.payload
      from unmatched u
     where not u.idle and not exists (select 1 from held k where k.n = u.n)
    returning 1
  )
  -- dropped and written run although nothing reads them (PostgreSQL runs every data-modifying
  -- WITH to completion).
  select array(select r.id from refined r), array(select k.n from held k order by k.n)
    into v_refined, v_held;
  perform app_private.announce_job_history(v_refined);
  return query select unnest(v_held);
end;
$$;

--
-- Name: FUNCTION report_job_runs(reports json); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.report_job_runs(reports json) IS 'Applies a worker''s report of its runs to the history; returns the positions of the reports whose completion has not committed yet.';

--
-- Name: requeue_notifications(integer); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.requeue_notifications(batch_size integer) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
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

--
-- Name: FUNCTION requeue_notifications(batch_size integer); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.requeue_notifications(batch_size integer) IS 'Gives due pending notifications without a job a new send_notification job.';

--
-- Name: reschedule_admin_job(bigint, timestamp with time zone, integer, integer); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.reschedule_admin_job(id bigint, run_at timestamp with time zone, attempts integer DEFAULT NULL::integer, max_attempts integer DEFAULT NULL::integer) RETURNS app_public.job
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
begin
  perform graphile_worker.reschedule_jobs(array[reschedule_admin_job.id], run_at := reschedule_admin_job.run_at,
    attempts := reschedule_admin_job.attempts, max_attempts := reschedule_admin_job.max_attempts);
  perform pg_notify('jobs:insert', json_build_object('r', random(), 'count', 1)::text);
  return (select app_private.to_job(s) from app_private.job_states s where s.id = reschedule_admin_job.id);
end;
$$;

--
-- Name: resume(text, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.resume(kind text, name text) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
begin
  perform app_private.check_pause(kind, name);
  delete from app_private.paused p where p.kind = resume.kind and p.name = resume.name;
  return found;
end;
$$;

--
-- Name: FUNCTION resume(kind text, name text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.resume(kind text, name text) IS 'Resumes a paused task or channel: its due jobs run at once, the others at their run_at. False if it was not paused.';

--
-- Name: resume_schedule(uuid); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.resume_schedule(id uuid) RETURNS app_public.schedules
    LANGUAGE sql
    SET search_path TO 'pg_catalog'
    AS $$
  select app_private.set_schedule_paused(resume_schedule.id, false)
$$;

--
-- Name: FUNCTION resume_schedule(id uuid); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.resume_schedule(id uuid) IS 'Resumes a paused schedule: its job is added for next_run_at (a passed one is run or skipped by the misfire policy). Resuming twice is fine.';

--
-- Name: run_schedule_now(uuid); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.run_schedule_now(id uuid) RETURNS app_public.schedules
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
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

--
-- Name: FUNCTION run_schedule_now(id uuid); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.run_schedule_now(id uuid) IS 'Runs a schedule''s kind now, once, then goes on with its next occurrence after now; ILLTR when paused.';

--
-- Name: schedule_job_key(uuid); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.schedule_job_key(id uuid) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$
  select 'schedule:' || id
$$;

--
-- Name: FUNCTION schedule_job_key(id uuid); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.schedule_job_key(id uuid) IS 'The job key of a schedule''s next occurrence: schedule:<id>.';

--
-- Name: schedule_job_spec(uuid, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.schedule_job_spec(id uuid, occurrence timestamp with time zone) RETURNS graphile_worker.job_spec
    LANGUAGE sql STABLE
    AS $$
  select ('run_schedule',
    pg_catalog.json_build_object('scheduleId', id, 'occurrence', app_private.instant_text(occurrence)),
    null, occurrence, 10, app_private.schedule_job_key(id), null, null)::graphile_worker.job_spec
$$;

--
-- Name: FUNCTION schedule_job_spec(id uuid, occurrence timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.schedule_job_spec(id uuid, occurrence timestamp with time zone) IS 'The graphile-worker job spec of a schedule''s occurrence (run_schedule at it, keyed schedule:<id>).';

--
-- Name: notifications; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.notifications (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    recipient_id uuid NOT NULL,
    booking_id uuid,
    lead interval,
    channel app_public.notification_channel NOT NULL,
    message text,
    run_at timestamp with time zone NOT NULL,
    state app_public.notification_state DEFAULT 'pending'::app_public.notification_state NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    last_error text,
    sent_at timestamp with time zone,
    scheduled_by_id uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT notifications_message_length CHECK (((length(message) >= 1) AND (length(message) <= 2000))),
    CONSTRAINT notifications_reminder_or_message CHECK ((((booking_id IS NOT NULL) AND (lead IS NOT NULL) AND (message IS NULL)) OR ((booking_id IS NULL) AND (lead IS NULL) AND (message IS NOT NULL)))),
    CONSTRAINT notifications_sent_at CHECK (((state = 'sent'::app_public.notification_state) = (sent_at IS NOT NULL))),
    CONSTRAINT notifications_times_usable CHECK ((app_hidden.time_is_usable(run_at) AND ((sent_at IS NULL) OR app_hidden.time_is_usable(sent_at))))
);

--
-- Name: TABLE notifications; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.notifications IS '@behavior -insert -update -delete
The outbox: one row per message to send. A booking''s reminders (one per recipient and lead) and notifications scheduled at runtime by admins.';

--
-- Name: COLUMN notifications.id; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.id IS 'The notification''s id; with run_at, the idempotency key a channel receives.';

--
-- Name: COLUMN notifications.recipient_id; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.recipient_id IS 'Who receives it.';

--
-- Name: COLUMN notifications.booking_id; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.booking_id IS 'The booking a reminder is about; null for a custom notification.';

--
-- Name: COLUMN notifications.lead; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.lead IS 'For a reminder: how long before the session it goes out.';

--
-- Name: COLUMN notifications.channel; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.channel IS 'How it is delivered.';

--
-- Name: COLUMN notifications.message; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.message IS 'The text of a custom notification; a reminder''s text is written when it is sent.';

--
-- Name: COLUMN notifications.run_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.run_at IS 'When it is due.';

--
-- Name: COLUMN notifications.state; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.state IS 'pending, sent, failed (after the last attempt) or cancelled.';

--
-- Name: COLUMN notifications.attempts; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.attempts IS 'Delivery attempts so far.';

--
-- Name: COLUMN notifications.last_error; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.last_error IS '@readThrough app_hidden.notification_last_error
@behavior -orderBy -filterBy
Why the last attempt failed; admins only (null for anyone else).';

--
-- Name: COLUMN notifications.sent_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.sent_at IS 'When the channel accepted it.';

--
-- Name: COLUMN notifications.scheduled_by_id; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.scheduled_by_id IS '@readThrough app_hidden.notification_scheduled_by_id
@behavior -orderBy -filterBy
The admin who scheduled a custom notification; admins only (null for anyone else).';

--
-- Name: COLUMN notifications.created_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.created_at IS 'When it was created.';

--
-- Name: COLUMN notifications.updated_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.updated_at IS 'When it last changed.';

--
-- Name: CONSTRAINT notifications_times_usable ON notifications; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON CONSTRAINT notifications_times_usable ON app_public.notifications IS 'run_at and sent_at lie between 1900 and 9999.';

--
-- Name: schedule_notification_job(app_public.notifications); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.schedule_notification_job(notification app_public.notifications) RETURNS void
    LANGUAGE sql
    SET search_path TO 'pg_catalog'
    AS $$
  select graphile_worker.add_jobs(array[app_private.notification_job_spec(notification.id, notification.run_at)]);
$$;

--
-- Name: FUNCTION schedule_notification_job(notification app_public.notifications); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.schedule_notification_job(notification app_public.notifications) IS 'Adds or moves the send_notification job of a notification (job key notification:<id>).';

--
-- Name: schedule_what(app_public.schedules); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.schedule_what(schedule app_public.schedules) RETURNS text
    LANGUAGE sql STABLE
    AS $$
  select 'run schedule ''' || schedule.name || ''' (' || schedule.kind || ')'
$$;

--
-- Name: FUNCTION schedule_what(schedule app_public.schedules); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.schedule_what(schedule app_public.schedules) IS 'What an occurrence of the schedule does, in words: run schedule ''<name>'' (<kind>).';

--
-- Name: set_actor(text, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.set_actor(actor text, reason text DEFAULT NULL::text) RETURNS void
    LANGUAGE sql
    SET search_path TO 'pg_catalog'
    AS $$
  select set_config('schoolbell.actor', coalesce(actor, ''), true), set_config('schoolbell.reason', coalesce(reason, ''), true);
$$;

--
-- Name: FUNCTION set_actor(actor text, reason text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.set_actor(actor text, reason text) IS 'Names the actor (and reason) that the audit trail records for the next booking changes in this transaction.';

--
-- Name: set_schedule_paused(uuid, boolean); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.set_schedule_paused(id uuid, paused boolean) RETURNS app_public.schedules
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
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

--
-- Name: FUNCTION set_schedule_paused(id uuid, paused boolean); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.set_schedule_paused(id uuid, paused boolean) IS 'Pauses or resumes a schedule (its job removed or added again); NTFND for no such schedule.';

--
-- Name: setting_interval(text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.setting_interval(name text) RETURNS interval
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog'
    AS $$
  select value::interval from app_private.settings s where s.name = setting_interval.name
$$;

--
-- Name: FUNCTION setting_interval(name text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.setting_interval(name text) IS 'A duration from app_private.settings.';

--
-- Name: subscription_topic(text, uuid); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.subscription_topic(kind text, subject uuid DEFAULT NULL::uuid) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog'
    AS $$
  select 'schoolbell:' || kind || coalesce(':' || subject::text, '')
$$;

--
-- Name: FUNCTION subscription_topic(kind text, subject uuid); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.subscription_topic(kind text, subject uuid) IS 'A LISTEN/NOTIFY topic: schoolbell:user:<id> (a user''s booking events), schoolbell:admin (everyone''s), schoolbell:notifications:<id> (a user''s notifications).';

--
-- Name: sweep_bookings(text, integer); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.sweep_bookings(task text, batch_size integer) RETURNS integer
    LANGUAGE sql
    SET search_path TO 'pg_catalog'
    AS $$
  select app_private.move_due_bookings(app_private.booking_deadline_of(task), null, batch_size, false,
    app_private.actor('sweep', task))
$$;

--
-- Name: FUNCTION sweep_bookings(task text, batch_size integer); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.sweep_bookings(task text, batch_size integer) IS 'One batch of a booking sweep: moves up to batch_size overdue bookings, skipping locked rows.';

--
-- Name: sweep_tasks(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.sweep_tasks() RETURNS text[]
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog'
    AS $$
  select array(select d.sweep_task from app_private.booking_deadlines d order by d.to_state)
    || array['requeue_notifications', 'prune_job_history']
$$;

--
-- Name: FUNCTION sweep_tasks(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.sweep_tasks() IS 'The crontab sweeps an admin may run now (runSweep), in the order the admin page offers them: one per booking deadline, then the housekeeping ones.';

--
-- Name: sync_schedule_job(app_public.schedules); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.sync_schedule_job(schedule app_public.schedules) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
begin
  if schedule.paused or schedule.next_run_at is null then
    perform app_private.remove_jobs(array[app_private.schedule_job_key(schedule.id)]);
  else
    perform app_private.add_jobs(array[app_private.schedule_job_spec(schedule.id, schedule.next_run_at)]);
  end if;
end;
$$;

--
-- Name: FUNCTION sync_schedule_job(schedule app_public.schedules); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.sync_schedule_job(schedule app_public.schedules) IS 'Makes the run_schedule job of a schedule (key schedule:<id>) match its row: at next_run_at, or none when paused or finished.';

--
-- Name: sync_timers(app_public.bookings[], app_public.bookings[]); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.sync_timers(after app_public.bookings[], before app_public.bookings[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
declare
  v_channel app_public.notification_channel :=
    (select value::app_public.notification_channel from app_private.settings where name = 'reminder_channel');
  v_leads interval[] := array(
    select distinct btrim(part)::interval
    from unnest(string_to_array((select value from app_private.settings where name = 'reminder_leads'), ',')) part
    where btrim(part) <> ''
  );
  v_timer record;
  v_specs graphile_worker.job_spec[];
  v_gone text[];
begin
  -- 1. Timers no booking waits for any more: the last request at an instant answered, the last
  -- session at an instant cancelled or rescheduled. The timer's own move (and a sweep's) leaves
  -- the job alone: it is running, or finds nothing when it runs. Lock the job before looking for
  -- bookings still waiting, so that a transaction adding a booking at the same instant either
  -- committed before (and is seen) or re-creates the job after.
  for v_timer in
    select app_private.timer_key(d.timer_task, t.instant) as key, d as deadline, t.instant
    from (
      select distinct o.state, app_private.deadline_instant(o, d) as instant
      from unnest(before) o
      join unnest(after) n on n.id = o.id
      join app_private.booking_deadlines d on d.from_state = o.state
      where n.state <> d.to_state
        and (n.state <> o.state or app_private.deadline_instant(n, d) <> app_private.deadline_instant(o, d))
    ) t
    join app_private.booking_deadlines d on d.from_state = t.state
    order by 1
  loop
    perform 1 from graphile_worker._private_jobs j where j.key = v_timer.key and j.locked_at is null for update;
    continue when not found;
    continue when app_private.bookings_at_deadline(v_timer.deadline, v_timer.instant);
    perform app_private.remove_jobs(array[v_timer.key]);
  end loop;

  -- 2. Timers for the new deadlines: one job per task and instant, in key order (two statements
  -- adding the same instants lock them in the same order).
  select array_agg(app_private.timer_spec(d.timer_task, t.instant, app_private.deadline_grace(d))
      order by app_private.timer_key(d.timer_task, t.instant))
    into v_specs
  from (
    select distinct n.state, app_private.deadline_instant(n, d) as instant
    from unnest(after) n
    join app_private.booking_deadlines d on d.from_state = n.state
    left join unnest(before) o on o.id = n.id
    where o.id is null or o.state <> n.state
      or app_private.deadline_instant(o, d) <> app_private.deadline_instant(n, d)
  ) t
  join app_private.booking_deadlines d on d.from_state = t.state;
  perform app_private.add_jobs(v_specs);

  -- 3. Reminders of sessions newly scheduled or rescheduled: one per recipient and lead, due lead
  -- before the start. A lead already past is skipped, and its pending reminder cancelled; a
  -- reminder that was sent for the old time goes out again for the new one.
  with wanted as (
    select n.id as booking_id, r.recipient_id, l.lead, n.starts_at - l.lead as run_at
    from unnest(after) n
    left join unnest(before) o on o.id = n.id
    cross join unnest(v_leads) l(lead)
    cross join lateral (values (n.student_id), (n.tutor_id)) r(recipient_id)
    where n.state = 'scheduled' and (o.id is null or o.state <> 'scheduled' or o.starts_at <> n.starts_at)
  ),
  passed as (
    update app_public.notifications x set state = 'cancelled'
    from wanted w
    where w.run_at <= now() and x.booking_id = w.booking_id and x.recipient_id = w.recipient_id
      and x.lead = w.lead and x.state = 'pending'
    returning x.id
  ),
  upserted as (
    insert into app_public.notifications as x (recipient_id, booking_id, lead, channel, run_at)
    select w.recipient_id, w.booking_id, w.lead, v_channel, w.run_at from wanted w where w.run_at > now()
    on conflict (booking_id, recipient_id, lead) where booking_id is not null do update
      set run_at = excluded.run_at,
          state = 'pending',
          sent_at = null,
          attempts = 0,
          last_error = null
      where x.run_at is distinct from excluded.run_at
    returning x.id, x.run_at
  )
  select
    (select array_agg(app_private.notification_job_key(p.id)) from passed p),
    (select array_agg(app_private.notification_job_spec(u.id, u.run_at) order by u.id) from upserted u)
    into v_gone, v_specs;
  perform app_private.add_jobs(v_specs);
  if v_gone is not null then
    perform app_private.remove_jobs(v_gone);
  end if;

  -- 4. Sessions no longer scheduled (started, cancelled): their pending reminders are cancelled.
  with cancelled as (
    update app_public.notifications x set state = 'cancelled'
    from unnest(before) o
    join unnest(after) n on n.id = o.id
    where o.state = 'scheduled' and n.state <> 'scheduled'
      and x.booking_id = o.id and x.state = 'pending'
    returning x.id
  )
  select array_agg(app_private.notification_job_key(c.id)) into v_gone from cancelled c;
  if v_gone is not null then
    perform app_private.remove_jobs(v_gone);
  end if;
end;
$$;

--
-- Name: FUNCTION sync_timers(after app_public.bookings[], before app_public.bookings[]); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.sync_timers(after app_public.bookings[], before app_public.bookings[]) IS 'Makes the job changes of a set of booking changes at once: instant timers added and removed, reminders scheduled, moved and cancelled.';

--
-- Name: take_delivery_slot(uuid, jsonb, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.take_delivery_slot(id uuid, spacings jsonb, reserved timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS timestamp with time zone
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
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

--
-- Name: FUNCTION take_delivery_slot(id uuid, spacings jsonb, reserved timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.take_delivery_slot(id uuid, spacings jsonb, reserved timestamp with time zone) IS 'Asks whether a notification may be delivered now on its channel: null to deliver, or the time its job was moved to.';

--
-- Name: tg__timestamps(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg__timestamps() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
begin
  if tg_op = 'INSERT' then
    new.created_at := now();
  else
    new.created_at := old.created_at;
  end if;
  new.updated_at := now();
  return new;
end;
$$;

--
-- Name: tg_booking_events__notify(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_booking_events__notify() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
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

--
-- Name: FUNCTION tg_booking_events__notify(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_booking_events__notify() IS 'Announces a booking event (its id and booking id) to its student, its tutor and the admins.';

--
-- Name: tg_bookings__audit(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_bookings__audit() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
declare
  v_actor text := coalesce(nullif(current_setting('schoolbell.actor', true), ''), app_private.actor('sql', session_user));
  v_reason text := nullif(current_setting('schoolbell.reason', true), '');
begin
  if tg_op = 'INSERT' then
    insert into app_public.booking_events (booking_id, from_state, to_state, actor, reason)
    values (new.id, null, new.state, v_actor, v_reason);
  elsif new.state <> old.state then
    insert into app_public.booking_events (booking_id, from_state, to_state, actor, reason)
    values (new.id, old.state, new.state, v_actor, v_reason);
  elsif new.starts_at <> old.starts_at or new.ends_at <> old.ends_at then
    insert into app_public.booking_events (booking_id, from_state, to_state, actor, reason)
    values (
      new.id, old.state, new.state, v_actor,
      format('rescheduled from %s–%s to %s–%s', old.starts_at, old.ends_at, new.starts_at, new.ends_at)
        || coalesce(': ' || v_reason, '')
    );
  end if;
  return null;
end;
$$;

--
-- Name: FUNCTION tg_bookings__audit(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_bookings__audit() IS 'Writes booking_events for every creation, transition and reschedule.';

--
-- Name: tg_bookings__guard(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_bookings__guard() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
declare
  v_student_role app_public.user_role;
  v_tutor_role app_public.user_role;
  v_deadline app_private.booking_deadlines;
  v_due timestamptz;
begin
  if tg_op = 'INSERT' then
    select role into v_student_role from app_public.users where id = new.student_id;
    select role into v_tutor_role from app_public.users where id = new.tutor_id;
    if v_student_role is distinct from 'student' then
      raise exception 'user % is not a student', new.student_id using errcode = 'BADIN';
    end if;
    if v_tutor_role is distinct from 'tutor' then
      raise exception 'user % is not a tutor', new.tutor_id using errcode = 'BADIN';
    end if;
    if new.state = 'requested' and new.starts_at <= now() then
      raise exception 'a booking must start in the future (starts_at % is past)', new.starts_at using errcode = 'BADIN';
    end if;
    if new.expires_at is null then
      new.expires_at := least(now() + app_private.setting_interval('request_ttl'), new.starts_at);
    end if;
    return new;
  end if;

  if new.id <> old.id or new.student_id <> old.student_id or new.tutor_id <> old.tutor_id then
    raise exception 'a booking''s id, student and tutor cannot change' using errcode = 'BADIN';
  end if;

  if new.state <> old.state then
    if not app_private.booking_transition_allowed(old.state, new.state) then
      raise exception 'cannot move booking % from % to %', old.id, old.state, new.state using errcode = 'ILLTR';
    end if;
    if old.state = 'requested' and new.state = 'scheduled' and now() >= old.starts_at then
      raise exception 'cannot move booking % from requested to scheduled: its start (%) has passed', old.id, old.starts_at
        using errcode = 'ILLTR';
    elsif old.state = 'scheduled' and new.state = 'cancelled' and now() >= old.starts_at then
      raise exception 'cannot move booking % from scheduled to cancelled: it started at %', old.id, old.starts_at
        using errcode = 'ILLTR';
    end if;
    -- A time-driven move, never before its deadline.
    select d.* into v_deadline from app_private.booking_deadlines d where d.from_state = old.state and d.to_state = new.state;
    if found then
      v_due := app_private.deadline_instant(old, v_deadline) + app_private.deadline_grace(v_deadline);
      if now() < v_due then
        raise exception '%', format('cannot move booking %s from %s to %s ', old.id, old.state, new.state)
          || format(v_deadline.too_early, v_due) using errcode = 'ILLTR';
      end if;
    end if;
  end if;

  if new.starts_at <> old.starts_at or new.ends_at <> old.ends_at then
    if old.state <> 'scheduled' or new.state <> 'scheduled' then
      raise exception 'only a scheduled booking can be rescheduled; booking % is %', old.id, old.state
        using errcode = 'ILLTR';
    end if;
    if now() >= old.starts_at then
      raise exception 'booking % started at % and can no longer be rescheduled', old.id, old.starts_at
        using errcode = 'ILLTR';
    end if;
    if new.starts_at <= now() then
      raise exception 'a booking must start in the future (starts_at % is past)', new.starts_at using errcode = 'BADIN';
    end if;
  end if;
  return new;
end;
$$;

--
-- Name: FUNCTION tg_bookings__guard(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_bookings__guard() IS 'Enforces the booking state machine and its deadlines, and what may change, for every writer.';

--
-- Name: tg_bookings__timers_set(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_bookings__timers_set() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
declare
  v_after app_public.bookings[];
  v_before app_public.bookings[];
begin
  if (select value from app_private.settings where name = 'booking_timers') = 'off' then
    return null;
  end if;
  if tg_op = 'INSERT' then
    select array_agg(n) into v_after from new_rows n;
  else
    select array_agg(n), array_agg(o) into v_after, v_before
    from new_rows n join old_rows o on o.id = n.id
    where n.state <> o.state or n.starts_at <> o.starts_at or n.ends_at <> o.ends_at or n.expires_at <> o.expires_at;
  end if;
  if v_after is not null then
    perform app_private.sync_timers(v_after, v_before);
  end if;
  return null;
end;
$$;

--
-- Name: tg_job_history__notify(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_job_history__notify() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
begin
  -- A run the triggers above wrote waits for its worker's report (report_job_runs).
  perform app_private.announce_job_history(array(
    select w.id from written w
     where not (w.taken_at is not null and w.duration_ms is null
                and w.outcome in ('success', 'error', 'failed'))));
  return null;
end;
$$;

--
-- Name: FUNCTION tg_job_history__notify(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_job_history__notify() IS 'Announces the ids of the job history rows a statement wrote on schoolbell:jobs, but for runs still waiting for their worker''s report.';

--
-- Name: tg_notifications__notify(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_notifications__notify() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
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

--
-- Name: FUNCTION tg_notifications__notify(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_notifications__notify() IS 'Announces a notification (its id) to its recipient when it is made and when its state changes.';

--
-- Name: tg_paused__notify(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_paused__notify() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
begin
  perform pg_notify('schoolbell:paused', '');
  return null;
end;
$$;

--
-- Name: FUNCTION tg_paused__notify(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_paused__notify() IS 'Tells every worker (LISTEN schoolbell:paused) to reload what is paused.';

--
-- Name: tg_private_jobs__history_failure(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_private_jobs__history_failure() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
begin
  insert into app_private.job_history
    (job_id, task, job_key, attempt, run_at, started_at, taken_at, finished_at, outcome, error, worker_id, payload)
  select old.id, t.identifier, old.key, old.attempts, old.run_at, old.locked_at, old.locked_at, clock_timestamp(),
         case when new.attempts >= new.max_attempts then 'failed' else 'error' end::app_public.job_outcome,
         new.last_error, old.locked_by, old.payload
    from graphile_worker._private_tasks t
   where t.id = old.task_id;
  return null;
end;
$$;

--
-- Name: FUNCTION tg_private_jobs__history_failure(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_private_jobs__history_failure() IS 'Writes the history of an attempt a worker failed (released with a later run_at and an error), in the failing transaction.';

--
-- Name: tg_private_jobs__history_success(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_private_jobs__history_success() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
begin
  insert into app_private.job_history
    (job_id, task, job_key, attempt, run_at, started_at, taken_at, finished_at, outcome, worker_id, payload)
  select o.id, t.identifier, o.key, o.attempts, o.run_at, o.locked_at, o.locked_at, clock_timestamp(),
         'success', o.locked_by, o.payload
    from finished o
    join graphile_worker._private_tasks t on t.id = o.task_id
   where o.locked_by is not null and o.locked_at > now() - interval '4 hours'
   order by o.id;
  return null;
end;
$$;

--
-- Name: FUNCTION tg_private_jobs__history_success(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_private_jobs__history_success() IS 'Writes the history of the jobs a worker completed (deleted while locked), in their completing transaction.';

--
-- Name: tg_private_jobs__pause_flags(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_private_jobs__pause_flags() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $_$
declare
  v_task text;
  v_channel text;
begin
  select t.identifier into v_task from graphile_worker._private_tasks t where t.id = new.task_id;
  -- By the notifications' primary key (a job added by hand with a malformed id gets no channel
  -- flag rather than an error).
  if v_task = 'send_notification'
     and new.payload->>'notificationId' ~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$' then
    select n.channel::text into v_channel from app_public.notifications n
     where n.id = (new.payload->>'notificationId')::uuid;
  end if;
  new.flags := coalesce(new.flags, '{}'::jsonb)
    || jsonb_build_object(app_private.pause_flag('task', v_task), true)
    || case when v_channel is null then '{}'::jsonb
            else jsonb_build_object(app_private.pause_flag('channel', v_channel), true) end;
  return new;
end;
$_$;

--
-- Name: FUNCTION tg_private_jobs__pause_flags(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_private_jobs__pause_flags() IS 'Gives each new job the flags that can pause it: task:<identifier>, and channel:<channel> for a delivery.';

--
-- Name: tg_schedules__job(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_schedules__job() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
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

--
-- Name: timer_key(text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.timer_key(task text, instant timestamp with time zone) RETURNS text
    LANGUAGE sql STABLE
    AS $$
  select 'timer:' || task || ':' || app_private.instant_text(instant)
$$;

--
-- Name: FUNCTION timer_key(task text, instant timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.timer_key(task text, instant timestamp with time zone) IS 'The job key of the timer of a task at an instant: timer:<task>:<instant>.';

--
-- Name: timer_spec(text, timestamp with time zone, interval); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.timer_spec(task text, instant timestamp with time zone, grace interval) RETURNS graphile_worker.job_spec
    LANGUAGE sql STABLE
    AS $$
  select (task, pg_catalog.json_build_object('at', app_private.instant_text(instant)), null, instant + grace,
    10, app_private.timer_key(task, instant), null, null)::graphile_worker.job_spec
$$;

--
-- Name: FUNCTION timer_spec(task text, instant timestamp with time zone, grace interval); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.timer_spec(task text, instant timestamp with time zone, grace interval) IS 'The graphile-worker job spec of the timer of a task at an instant, due grace after it.';

--
-- Name: to_job(app_private.job_states); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.to_job(s app_private.job_states) RETURNS app_public.job
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog'
    AS $$
  select row(s.id, s.task, s.key, s.queue, s.state, s.run_at, extract(epoch from s.lateness)::float8, s.attempts,
             s.max_attempts, s.last_error, s.locked_by, s.locked_at, s.payload, s.created_at, s.updated_at,
             s.paused)::app_public.job
$$;

--
-- Name: to_pause(app_private.paused); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.to_pause(p app_private.paused) RETURNS app_public.pause
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog'
    AS $$
  select row(p.kind, p.name, p.paused_by, p.paused_at,
    (select count(*)::integer from graphile_worker._private_jobs j
      where j.is_available and j.flags ? app_private.pause_flag(p.kind, p.name)))::app_public.pause
$$;

--
-- Name: FUNCTION to_pause(p app_private.paused); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.to_pause(p app_private.paused) IS 'A row of app_private.paused as the admin API shows it, with the jobs it holds.';

--
-- Name: transition_booking(uuid, app_public.booking_state, text, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.transition_booking(booking_id uuid, to_state app_public.booking_state, actor text, reason text DEFAULT NULL::text) RETURNS app_public.bookings
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
declare
  v_booking app_public.bookings;
begin
  select b.* into v_booking from app_public.bookings b where b.id = transition_booking.booking_id for update;
  if not found then
    raise exception 'booking % not found', transition_booking.booking_id using errcode = 'NTFND';
  end if;
  if v_booking.state = transition_booking.to_state then
    return v_booking;
  end if;
  perform app_private.set_actor(transition_booking.actor, transition_booking.reason);
  begin
    update app_public.bookings b set state = transition_booking.to_state
      where b.id = transition_booking.booking_id
      returning b.* into v_booking;
  exception when exclusion_violation then
    raise exception 'the tutor already has a session overlapping % – %', v_booking.starts_at, v_booking.ends_at
      using errcode = 'OVLAP';
  end;
  perform app_private.set_actor(null);
  return v_booking;
end;
$$;

--
-- Name: FUNCTION transition_booking(booking_id uuid, to_state app_public.booking_state, actor text, reason text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.transition_booking(booking_id uuid, to_state app_public.booking_state, actor text, reason text) IS 'Moves a booking to a state if the state machine allows it; idempotent; audited with the given actor.';

--
-- Name: upcoming_jobs(timestamp with time zone, timestamp with time zone, integer, boolean); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.upcoming_jobs(from_at timestamp with time zone, until_at timestamp with time zone, max_items integer, with_crontab boolean DEFAULT true) RETURNS TABLE(at timestamp with time zone, kind text, task text, what text, count integer, key text)
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog'
    AS $_$
  with due as (
    select j.run_at, t.identifier as task, coalesce(j.key, '') as key, j.payload
    from graphile_worker._private_jobs j
    join graphile_worker._private_tasks t on t.id = j.task_id
    where j.run_at >= from_at and j.run_at < until_at
      and j.locked_at is null and j.attempts < j.max_attempts
  ),
  timers as (
    select d.run_at, d.task, d.key,
      app_private.bookings_due_at(dl, (d.payload ->> 'at')::timestamptz) as count,
      -- start_sessions_timer: "start", "session(s)".
      split_part(d.task, '_', 1) as verb, regexp_replace(split_part(d.task, '_', 2), 's$', '') as noun
    from due d
    join app_private.booking_deadlines dl on dl.timer_task = d.task
    where d.key like 'timer:%'
  ),
  described as (
    select tm.run_at as at, 'booking_timer' as kind, tm.task,
      tm.verb || ' ' || tm.count || ' ' || tm.noun || case when tm.count = 1 then '' else 's' end as what,
      tm.count, tm.key
    from timers tm
    union all
    select d.run_at, case when x.booking_id is null then 'notification' else 'reminder' end, d.task,
      case when x.booking_id is null then 'send ' || u.name || ' (' || x.channel || ') a message'
        else 'remind ' || u.name || ' (' || x.channel || ') of the session at '
          || to_char(b.starts_at at time zone u.time_zone, 'YYYY-MM-DD HH24:MI') || ' ' || u.time_zone end,
      1, d.key
    from due d
    join app_public.notifications x on app_private.notification_job_key(x.id) = d.key
    join app_public.users u on u.id = x.recipient_id
    left join app_public.bookings b on b.id = x.booking_id
    where d.task = 'send_notification'
    union all
    select d.run_at, 'schedule', d.task, app_private.schedule_what(s), 1, d.key
    from due d
    join app_public.schedules s on app_private.schedule_job_key(s.id) = d.key
    where d.task = 'run_schedule'
    union all
    select d.run_at, case when d.key like 'sweep:%' then 'crontab' else 'job' end, d.task, 'run ' || d.task, 1, d.key
    from due d
    where not exists (select 1 from timers tm where tm.key = d.key)
      and d.task not in ('send_notification', 'run_schedule')
  )
  select at, kind, task, what, count, nullif(key, '') from described
  where with_crontab or kind <> 'crontab'
  order by at, kind, key limit greatest(max_items, 0)
$_$;

--
-- Name: FUNCTION upcoming_jobs(from_at timestamp with time zone, until_at timestamp with time zone, max_items integer, with_crontab boolean); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.upcoming_jobs(from_at timestamp with time zone, until_at timestamp with time zone, max_items integer, with_crontab boolean) IS 'The queued jobs due from from_at (included) to until_at (excluded), in time order (the queued sweeps only with_crontab), at most max_items: when, kind (booking_timer, reminder, notification, schedule, crontab, job), task, what it will do, how many bookings or messages, job key.';

--
-- Name: visible_booking_for_update(uuid); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.visible_booking_for_update(booking_id uuid) RETURNS app_public.bookings
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
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

--
-- Name: FUNCTION visible_booking_for_update(booking_id uuid); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.visible_booking_for_update(booking_id uuid) IS 'The booking, locked, if the signed-in user may see it; NTFND otherwise.';

--
-- Name: worker_beat(text, text, integer, interval); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.worker_beat(id text, hostname text, pid integer, dead_after interval) RETURNS TABLE(worker_id text, jobs bigint)
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
begin
  perform app_private.worker_heartbeat(worker_beat.id, worker_beat.hostname, worker_beat.pid);
  return query select r.worker_id, r.jobs from app_private.recover_dead_workers(dead_after) r;
end;
$$;

--
-- Name: FUNCTION worker_beat(id text, hostname text, pid integer, dead_after interval); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.worker_beat(id text, hostname text, pid integer, dead_after interval) IS 'Records that a worker pool is alive, then unlocks the jobs of workers silent for longer than dead_after; returns those.';

--
-- Name: worker_heartbeat(text, text, integer); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.worker_heartbeat(id text, hostname text, pid integer) RETURNS void
    LANGUAGE sql
    SET search_path TO 'pg_catalog'
    AS $$
  insert into app_private.workers as w (id, hostname, pid) values (id, hostname, pid)
  on conflict on constraint workers_pkey do update set last_seen_at = now();
$$;

--
-- Name: FUNCTION worker_heartbeat(id text, hostname text, pid integer); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.worker_heartbeat(id text, hostname text, pid integer) IS 'Registers a worker pool or records that it is alive.';

--
-- Name: worker_stopped(text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.worker_stopped(id text) RETURNS void
    LANGUAGE sql
    SET search_path TO 'pg_catalog'
    AS $$
  delete from app_private.workers w where w.id = worker_stopped.id;
$$;

--
-- Name: FUNCTION worker_stopped(id text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.worker_stopped(id text) IS 'Forgets a worker pool that stopped cleanly.';

--
-- Name: write_crontab(json); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.write_crontab(entries json) RETURNS void
    LANGUAGE sql
    SET search_path TO 'pg_catalog'
    AS $$
  with incoming as (
    select e.identifier, e.task, e.schedule, e.period, e.job_key
    from json_to_recordset(entries) as e(identifier text, task text, schedule text, period interval, job_key text)
  ), removed as (
    delete from app_private.crontab c
    where not exists (select 1 from incoming i where i.identifier = c.identifier)
  )
  insert into app_private.crontab (identifier, task, schedule, period, job_key, updated_at)
  select identifier, task, schedule, period, job_key, now() from incoming
  on conflict (identifier) do update
    set task = excluded.task, schedule = excluded.schedule, period = excluded.period,
        job_key = excluded.job_key, updated_at = excluded.updated_at
    where (crontab.task, crontab.schedule, crontab.period, crontab.job_key)
      is distinct from (excluded.task, excluded.schedule, excluded.period, excluded.job_key);
$$;

--
-- Name: FUNCTION write_crontab(entries json); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.write_crontab(entries json) IS 'Makes app_private.crontab what the starting process''s crontab file says.';

--
-- Name: accept_booking(uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.accept_booking(booking_id uuid) RETURNS app_public.bookings
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
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

--
-- Name: FUNCTION accept_booking(booking_id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.accept_booking(booking_id uuid) IS '@arg bookingId: The requested booking to accept.
@resultFieldName booking
@notNull
The tutor accepts a requested booking: it becomes scheduled.';

--
-- Name: admin_vocabulary(); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.admin_vocabulary() RETURNS app_public.admin_vocabulary
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
  select (enum_range(null::app_public.job_state), enum_range(null::app_public.booking_state),
    app_private.sweep_tasks())::app_public.admin_vocabulary
  from app_hidden.require_admin() -- admins only: DENYD for anyone else
$$;

--
-- Name: FUNCTION admin_vocabulary(); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.admin_vocabulary() IS 'Admins: the job states, the booking states and the sweeps, in the order the admin page offers them, from the SQL that defines each.';

--
-- Name: bookings_timers(app_public.bookings); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.bookings_timers(booking app_public.bookings) RETURNS SETOF app_public.job
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
declare
  v_key text := (
    select app_private.timer_key(d.timer_task, app_private.deadline_instant(booking, d))
    from app_private.booking_deadlines d where d.from_state = booking.state
  );
begin
  perform app_hidden.require_admin();
  return query
    select (app_private.to_job(s)).*
    from app_private.job_states s
    where s.key = v_key
       or s.key like 'booking:' || booking.id || ':%'
       or s.key in (select app_private.notification_job_key(n.id) from app_public.notifications n where n.booking_id = booking.id)
    order by s.run_at, s.id;
end;
$$;

--
-- Name: FUNCTION bookings_timers(booking app_public.bookings); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.bookings_timers(booking app_public.bookings) IS 'Admins: the booking''s pending jobs: the timer that will move it (timer:<task>:<instant>, shared with every booking due at that instant), its reminders'' deliveries and jobs keyed booking:<id>:..., by run_at.';

--
-- Name: cancel_booking(uuid, text); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.cancel_booking(booking_id uuid, reason text DEFAULT NULL::text) RETURNS app_public.bookings
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
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

--
-- Name: FUNCTION cancel_booking(booking_id uuid, reason text); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.cancel_booking(booking_id uuid, reason text) IS '@arg bookingId: The booking to cancel.
@arg reason: Why, shown to the other party; optional.
@resultFieldName booking
@notNull
Cancels a booking: a request (by its student), or a scheduled session before it starts (by either party).';

--
-- Name: cancel_job(bigint); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.cancel_job(id bigint) RETURNS app_public.job
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
declare
  v_me app_public.users := app_hidden.require_admin();
  v_job app_private.job_states := app_private.admin_job_for_update(cancel_job.id, 'cancelled');
begin
  if v_job.task = 'send_notification' then
    update app_public.notifications n set state = 'cancelled'
    where n.id = (v_job.payload->>'notificationId')::uuid and n.state = 'pending';
  end if;
  insert into app_private.job_history (job_id, task, job_key, attempt, run_at, finished_at, outcome, error, payload)
  values (v_job.id, v_job.task, v_job.key, v_job.attempts, v_job.run_at, now(), 'cancelled', 'cancelled by admin ' || v_me.id, v_job.payload);
  perform graphile_worker.complete_jobs(array[v_job.id]);
  return app_private.to_job(v_job);
end;
$$;

--
-- Name: FUNCTION cancel_job(id bigint); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.cancel_job(id bigint) IS '@arg id: The job to remove.
@resultFieldName job
@notNull
Admins: remove a job that is not running. A booking timer''s move is then left to the sweeps; a notification is cancelled.';

--
-- Name: cancel_jobs(text, app_public.job_state, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.cancel_jobs(task text DEFAULT NULL::text, state app_public.job_state DEFAULT NULL::app_public.job_state, since timestamp with time zone DEFAULT NULL::timestamp with time zone, until timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS integer
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
  select app_private.change_jobs('cancelled', cancel_jobs.task, cancel_jobs.state, cancel_jobs.since, cancel_jobs.until)
  from app_hidden.require_admin()
$$;

--
-- Name: FUNCTION cancel_jobs(task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.cancel_jobs(task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone) IS '@arg task: Only jobs of this task.
@arg state: Only jobs in this state.
@arg since: Only jobs due at or after this time.
@arg until: Only jobs due before this time.
@resultFieldName count
@notNull
Admins: cancel (as cancelJob) the jobs a filter matches that are not running, at most 1,000 per call, the earliest first; returns how many.';

--
-- Name: cancel_notification(uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.cancel_notification(id uuid) RETURNS app_public.notifications
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
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

--
-- Name: FUNCTION cancel_notification(id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.cancel_notification(id uuid) IS '@arg id: The notification to cancel.
@resultFieldName notification
@notNull
Admins: cancel a pending notification (a custom one or a reminder); cancelling twice is fine.';

--
-- Name: current_user(); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public."current_user"() RETURNS app_public.users
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
  select u.* from app_public.users u where u.id = app_hidden.current_user_id()
$$;

--
-- Name: FUNCTION "current_user"(); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public."current_user"() IS 'The signed-in user, or null without a token.';

--
-- Name: decline_booking(uuid, text); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.decline_booking(booking_id uuid, reason text DEFAULT NULL::text) RETURNS app_public.bookings
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
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

--
-- Name: FUNCTION decline_booking(booking_id uuid, reason text); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.decline_booking(booking_id uuid, reason text) IS '@arg bookingId: The requested booking to decline.
@arg reason: Why, shown to the student; optional.
@resultFieldName booking
@notNull
The tutor turns a requested booking down, optionally saying why.';

--
-- Name: job(bigint); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.job(id bigint) RETURNS app_public.job
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
begin
  perform app_hidden.require_admin();
  return (select app_private.to_job(s) from app_private.job_states s where s.id = job.id);
end;
$$;

--
-- Name: FUNCTION job(id bigint); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.job(id bigint) IS '@arg id: The job''s id.
Admins: one job, while graphile-worker still has it. Its attempts, which outlive it, are in jobRuns(jobId).';

--
-- Name: job_counts(); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.job_counts() RETURNS SETOF app_public.job_count
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
begin
  perform app_hidden.require_admin();
  return query
    select s.task, s.state, count(*)::int from app_private.job_states s
    group by s.task, s.state order by s.task, s.state;
end;
$$;

--
-- Name: FUNCTION job_counts(); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.job_counts() IS 'Admins: the queue by task and state.';

--
-- Name: job_runs(bigint, text, app_public.job_outcome, timestamp with time zone); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.job_runs(job_id bigint DEFAULT NULL::bigint, task text DEFAULT NULL::text, outcome app_public.job_outcome DEFAULT NULL::app_public.job_outcome, since timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS SETOF app_public.job_run
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
begin
  perform app_hidden.require_admin();
  perform app_hidden.check_time('since', job_runs.since);
  return query
    select h.id, h.job_id, h.task, h.job_key, h.attempt, h.run_at, h.started_at, h.finished_at, h.duration_ms,
           h.outcome, h.error, h.worker_id
    from app_private.job_history h
    where (job_runs.job_id is null or h.job_id = job_runs.job_id)
      and (job_runs.task is null or h.task = job_runs.task)
      and (job_runs.outcome is null or h.outcome = job_runs.outcome)
      and (job_runs.since is null or h.finished_at >= job_runs.since)
    order by h.id desc;
end;
$$;

--
-- Name: FUNCTION job_runs(job_id bigint, task text, outcome app_public.job_outcome, since timestamp with time zone); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.job_runs(job_id bigint, task text, outcome app_public.job_outcome, since timestamp with time zone) IS '@arg jobId: Only the attempts of this job.
@arg task: Only attempts of jobs of this task.
@arg outcome: Only attempts that ended so.
@arg since: Only attempts that finished at or after this time.
Admins: the job history, newest first, filtered by job, task, outcome and time.';

--
-- Name: job_throughput(integer, integer); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.job_throughput(minutes integer DEFAULT 60, bucket_minutes integer DEFAULT 5) RETURNS SETOF app_public.job_throughput
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
begin
  perform app_hidden.require_admin();
  return query
    select b.bucket_start,
           count(h.id) filter (where h.outcome = 'success')::int,
           count(h.id) filter (where h.outcome in ('error', 'failed', 'crashed'))::int
    from generate_series(
      date_bin(make_interval(mins => greatest(bucket_minutes, 1)), now() - make_interval(mins => least(greatest(minutes, 1), 10080)), 'epoch'),
      now(),
      make_interval(mins => greatest(bucket_minutes, 1))
    ) b(bucket_start)
    left join app_private.job_history h
      on h.finished_at >= b.bucket_start and h.finished_at < b.bucket_start + make_interval(mins => greatest(bucket_minutes, 1))
    group by b.bucket_start
    order by b.bucket_start;
end;
$$;

--
-- Name: FUNCTION job_throughput(minutes integer, bucket_minutes integer); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.job_throughput(minutes integer, bucket_minutes integer) IS '@arg minutes: How far back to look (default 60, at most a week).
@arg bucketMinutes: The width of a bucket in minutes (default 5).
Admins: jobs succeeded and failed per bucket over the last `minutes` (at most a week), for a chart.';

--
-- Name: jobs(text, app_public.job_state, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.jobs(task text DEFAULT NULL::text, state app_public.job_state DEFAULT NULL::app_public.job_state, since timestamp with time zone DEFAULT NULL::timestamp with time zone, until timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS SETOF app_public.job
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
begin
  perform app_hidden.require_admin();
  perform app_hidden.check_time('since', jobs.since);
  perform app_hidden.check_time('until', jobs.until);
  return query
    select (app_private.to_job(s)).*
    from app_private.job_states s
    where (jobs.task is null or s.task = jobs.task)
      and (jobs.state is null or s.state = jobs.state)
      and (jobs.since is null or s.run_at >= jobs.since)
      and (jobs.until is null or s.run_at < jobs.until)
    order by s.run_at, s.id;
end;
$$;

--
-- Name: FUNCTION jobs(task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.jobs(task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone) IS '@arg task: Only jobs of this task.
@arg state: Only jobs in this state.
@arg since: Only jobs due at or after this time.
@arg until: Only jobs due before this time.
Admins: jobs filtered by task, state and run_at window [since, until), by run_at.';

--
-- Name: jobs_matching(text, app_public.job_state, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.jobs_matching(task text DEFAULT NULL::text, state app_public.job_state DEFAULT NULL::app_public.job_state, since timestamp with time zone DEFAULT NULL::timestamp with time zone, until timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS app_public.job_match
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
begin
  perform app_hidden.require_admin();
  return (
    select row(count(*), count(*) filter (where app_private.job_action_allowed('retried', m.state)),
               count(*) filter (where app_private.job_action_allowed('cancelled', m.state)),
               count(*) filter (where app_private.job_action_allowed('rescheduled', m.state)),
               app_private.bulk_action_limit())::app_public.job_match
    from app_private.jobs_matching(jobs_matching.task, jobs_matching.state, jobs_matching.since, jobs_matching.until) m
  );
end;
$$;

--
-- Name: FUNCTION jobs_matching(task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.jobs_matching(task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone) IS '@arg task: Only jobs of this task.
@arg state: Only jobs in this state.
@arg since: Only jobs due at or after this time.
@arg until: Only jobs due before this time.
Admins: how many jobs a filter matches (at least one of task, state, since, until) and how many each bulk action would act on, to show before confirming one.';

--
-- Name: pause_channel(app_public.notification_channel); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.pause_channel(channel app_public.notification_channel) RETURNS app_public.pause
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
  select app_private.pause('channel', channel::text, app_private.actor('user', (app_hidden.require_admin()).id::text))
$$;

--
-- Name: FUNCTION pause_channel(channel app_public.notification_channel); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.pause_channel(channel app_public.notification_channel) IS '@arg channel: The notification channel.
@resultFieldName pause
@notNull
Admins: pause a channel. Its deliveries stay queued with their run_at until it is resumed; other channels'' go on.';

--
-- Name: pause_task(text); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.pause_task(task text) RETURNS app_public.pause
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
  select app_private.pause('task', task, app_private.actor('user', (app_hidden.require_admin()).id::text))
$$;

--
-- Name: FUNCTION pause_task(task text); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.pause_task(task text) IS '@arg task: The task (a file in tasks/).
@resultFieldName pause
@notNull
Admins: pause a task. Its jobs stay queued with their run_at and no worker takes them until it is resumed; running ones finish.';

--
-- Name: pauses(); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.pauses() RETURNS SETOF app_public.pause
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
begin
  perform app_hidden.require_admin();
  return query select (app_private.to_pause(p)).* from app_private.paused p order by p.kind, p.name;
end;
$$;

--
-- Name: FUNCTION pauses(); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.pauses() IS 'Admins: what is paused (tasks, then channels), by whom, since when and how many jobs each holds.';

--
-- Name: queue_summary(); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.queue_summary() RETURNS app_public.queue_summary
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
begin
  perform app_hidden.require_admin();
  return (
    select row(d.id, d.task, d.run_at, extract(epoch from d.lateness)::float8, h.succeeded, h.failed, h.succeeded / 60.0,
               w.sweep, extract(epoch from w.overdue_for)::float8)::app_public.queue_summary
    from (select 1) one
    left join lateral (
      select s.id, s.task, s.run_at, s.lateness from app_private.job_states s where s.state = 'due' order by s.run_at limit 1
    ) d on true
    left join lateral (
      -- Every run is due for a moment before it starts: a minute late is late.
      select s.sweep, s.overdue_for from app_private.sweep_status s
      where s.overdue_for > interval '1 minute' order by s.overdue_for desc limit 1
    ) w on true
    cross join lateral (
      select count(*) filter (where outcome = 'success')::int as succeeded,
             count(*) filter (where outcome in ('error', 'failed', 'crashed'))::int as failed
      from app_private.job_history where finished_at > now() - interval '1 hour'
    ) h
  );
end;
$$;

--
-- Name: FUNCTION queue_summary(); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.queue_summary() IS 'Admins: the oldest overdue job, the most overdue sweep, throughput and failures over the last hour.';

--
-- Name: request_booking(uuid, timestamp with time zone, timestamp with time zone, text); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.request_booking(tutor_id uuid, starts_at timestamp with time zone, ends_at timestamp with time zone, subject text) RETURNS app_public.bookings
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
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

--
-- Name: FUNCTION request_booking(tutor_id uuid, starts_at timestamp with time zone, ends_at timestamp with time zone, subject text); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.request_booking(tutor_id uuid, starts_at timestamp with time zone, ends_at timestamp with time zone, subject text) IS '@arg tutorId: The tutor asked for the session.
@arg startsAt: When the session would start (in the future, within BOOKING_HORIZON).
@arg endsAt: When it would end (after startsAt, at most 24 hours later).
@arg subject: What the session is about.
@resultFieldName booking
@notNull
A student asks a tutor for a session. The request expires after REQUEST_TTL, or at its start if sooner, unless the tutor answers.';

--
-- Name: reschedule_booking(uuid, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.reschedule_booking(booking_id uuid, starts_at timestamp with time zone, ends_at timestamp with time zone) RETURNS app_public.bookings
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
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

--
-- Name: FUNCTION reschedule_booking(booking_id uuid, starts_at timestamp with time zone, ends_at timestamp with time zone); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.reschedule_booking(booking_id uuid, starts_at timestamp with time zone, ends_at timestamp with time zone) IS '@arg bookingId: The scheduled booking to move.
@arg startsAt: Its new start (in the future, within BOOKING_HORIZON).
@arg endsAt: Its new end (after startsAt, at most 24 hours later).
@resultFieldName booking
@notNull
Moves a scheduled session to another time, before it starts; either party may. It stays scheduled.';

--
-- Name: reschedule_job(bigint, timestamp with time zone); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.reschedule_job(id bigint, run_at timestamp with time zone) RETURNS app_public.job
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
declare
  v_me app_public.users := app_hidden.require_admin();
  v_job app_private.job_states := app_private.admin_job_for_update(reschedule_job.id, 'rescheduled');
begin
  if reschedule_job.run_at is null or not isfinite(reschedule_job.run_at) then
    raise exception 'runAt must be a real time' using errcode = 'BADIN';
  end if;
  perform app_hidden.check_time('runAt', reschedule_job.run_at);
  return app_private.reschedule_admin_job(v_job.id, reschedule_job.run_at);
end;
$$;

--
-- Name: FUNCTION reschedule_job(id bigint, run_at timestamp with time zone); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.reschedule_job(id bigint, run_at timestamp with time zone) IS '@arg id: The job to move.
@arg runAt: When it should run.
@resultFieldName job
@notNull
Admins: move a job to another time. A booking timer run early finds its booking not yet due and does nothing.';

--
-- Name: reschedule_jobs(timestamp with time zone, text, app_public.job_state, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.reschedule_jobs(run_at timestamp with time zone, task text DEFAULT NULL::text, state app_public.job_state DEFAULT NULL::app_public.job_state, since timestamp with time zone DEFAULT NULL::timestamp with time zone, until timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS integer
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
  select app_private.change_jobs('rescheduled', reschedule_jobs.task, reschedule_jobs.state, reschedule_jobs.since, reschedule_jobs.until, reschedule_jobs.run_at)
  from app_hidden.require_admin()
$$;

--
-- Name: FUNCTION reschedule_jobs(run_at timestamp with time zone, task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.reschedule_jobs(run_at timestamp with time zone, task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone) IS '@arg runAt: When they should run.
@arg task: Only jobs of this task.
@arg state: Only jobs in this state.
@arg since: Only jobs due at or after this time.
@arg until: Only jobs due before this time.
@resultFieldName count
@notNull
Admins: move (as rescheduleJob) the jobs a filter matches that are not running to runAt, at most 1,000 per call, the earliest first; returns how many.';

--
-- Name: resume_channel(app_public.notification_channel); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.resume_channel(channel app_public.notification_channel) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
begin
  perform app_hidden.require_admin();
  return app_private.resume('channel', channel::text);
end;
$$;

--
-- Name: FUNCTION resume_channel(channel app_public.notification_channel); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.resume_channel(channel app_public.notification_channel) IS '@arg channel: The notification channel.
@resultFieldName resumed
@notNull
Admins: resume a paused channel; its due deliveries go now. False if it was not paused.';

--
-- Name: resume_task(text); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.resume_task(task text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
begin
  perform app_hidden.require_admin();
  return app_private.resume('task', task::text);
end;
$$;

--
-- Name: FUNCTION resume_task(task text); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.resume_task(task text) IS '@arg task: The task.
@resultFieldName resumed
@notNull
Admins: resume a paused task; its due jobs run now. False if it was not paused.';

--
-- Name: retry_job(bigint); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.retry_job(id bigint) RETURNS app_public.job
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
declare
  v_me app_public.users := app_hidden.require_admin();
  v_job app_private.job_states := app_private.admin_job_for_update(retry_job.id, 'retried');
begin
  -- A notification that gave up is pending again, with fresh attempts.
  if v_job.task = 'send_notification' then
    update app_public.notifications n set state = 'pending', attempts = 0, last_error = null
    where n.id = (v_job.payload->>'notificationId')::uuid and n.state = 'failed';
  end if;
  return app_private.reschedule_admin_job(v_job.id, now(), 0, greatest(v_job.max_attempts, 1));
end;
$$;

--
-- Name: FUNCTION retry_job(id bigint); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.retry_job(id bigint) IS '@arg id: The failed or retrying job.
@resultFieldName job
@notNull
Admins: run a failed (or retrying) job again now, with its attempts reset.';

--
-- Name: retry_jobs(text, app_public.job_state, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.retry_jobs(task text DEFAULT NULL::text, state app_public.job_state DEFAULT NULL::app_public.job_state, since timestamp with time zone DEFAULT NULL::timestamp with time zone, until timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS integer
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
  select app_private.change_jobs('retried', retry_jobs.task, retry_jobs.state, retry_jobs.since, retry_jobs.until)
  from app_hidden.require_admin() -- admins only: DENYD for anyone else, even when nothing matches
$$;

--
-- Name: FUNCTION retry_jobs(task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.retry_jobs(task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone) IS '@arg task: Only jobs of this task.
@arg state: Only jobs in this state.
@arg since: Only jobs due at or after this time.
@arg until: Only jobs due before this time.
@resultFieldName count
@notNull
Admins: retry (as retryJob) the failed and retrying jobs a filter matches, at most 1,000 per call, the earliest first; returns how many.';

--
-- Name: run_sweep(text); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.run_sweep(task text) RETURNS app_public.job
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
declare
  v_me app_public.users := app_hidden.require_admin();
  v_id bigint;
begin
  if not run_sweep.task = any (app_private.sweep_tasks()) then
    raise exception 'no sweep named "%" (%)', run_sweep.task, array_to_string(app_private.sweep_tasks(), ', ')
      using errcode = 'BADIN';
  end if;
  select (graphile_worker.add_job(run_sweep.task, '{}'::json, run_at := now(), job_key := 'sweep:' || run_sweep.task)).id
    into v_id;
  return (select app_private.to_job(s) from app_private.job_states s where s.id = v_id);
end;
$$;

--
-- Name: FUNCTION run_sweep(task text); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.run_sweep(task text) IS '@arg task: The sweep to run, one of `adminVocabulary.sweeps`.
@resultFieldName job
@notNull
Admins: run a sweep now.';

--
-- Name: schedule_notification(uuid, app_public.notification_channel, text, timestamp with time zone); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.schedule_notification(recipient_id uuid, channel app_public.notification_channel, message text, run_at timestamp with time zone DEFAULT now()) RETURNS app_public.notifications
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog'
    AS $$
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

--
-- Name: FUNCTION schedule_notification(recipient_id uuid, channel app_public.notification_channel, message text, run_at timestamp with time zone); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.schedule_notification(recipient_id uuid, channel app_public.notification_channel, message text, run_at timestamp with time zone) IS '@arg recipientId: The user who receives it.
@arg channel: How it is delivered.
@arg message: Its text, 1 to 2000 characters.
@arg runAt: When to send it; now when omitted.
@resultFieldName notification
@notNull
Admins: send a message to a user through a channel at runAt (default now). Returns the notification, whose id is its handle.';

--
-- Name: add_job(text, json, text, timestamp with time zone, integer, text, integer, text[], text); Type: FUNCTION; Schema: graphile_worker; Owner: -
--

CREATE FUNCTION graphile_worker.add_job(identifier text, payload json DEFAULT NULL::json, queue_name text DEFAULT NULL::text, run_at timestamp with time zone DEFAULT NULL::timestamp with time zone, max_attempts integer DEFAULT NULL::integer, job_key text DEFAULT NULL::text, priority integer DEFAULT NULL::integer, flags text[] DEFAULT NULL::text[], job_key_mode text DEFAULT 'replace'::text) RETURNS graphile_worker._private_jobs
    LANGUAGE plpgsql
    AS $$
declare
  v_job "graphile_worker"._private_jobs;
begin
  if (job_key is null or job_key_mode is null or job_key_mode in ('replace', 'preserve_run_at')) then
    select * into v_job
    from "graphile_worker".add_jobs(
      ARRAY[(
        identifier,
        payload,
        queue_name,
        run_at,
        max_attempts::smallint,
        job_key,
        priority::smallint,
        flags
      )::"graphile_worker".job_spec],
      (job_key_mode = 'preserve_run_at')
    )
    limit 1;
    return v_job;
  elsif job_key_mode = 'unsafe_dedupe' then
    -- Ensure all the tasks exist (insert only missing identifiers so identity is not consumed)
    insert into "graphile_worker"._private_tasks as tasks (identifier)
    select add_job.identifier
    where not exists (
      select 1
      from "graphile_worker"._private_tasks as existing
      where existing.identifier = add_job.identifier
    )
    on conflict do nothing;
    -- Ensure all the queues exist
    if add_job.queue_name is not null then
      insert into "graphile_worker"._private_job_queues as job_queues (queue_name)
      select add_job.queue_name
      where not exists (
        select 1
        from "graphile_worker"._private_job_queues as existing
        where existing.queue_name = add_job.queue_name
      )
      on conflict do nothing;
    end if;
    -- Insert job, but if one already exists then do nothing, even if the
    -- existing job has already started (and thus represents an out-of-date
    -- world state). This is dangerous because it means that whatever state
    -- change triggered this add_job may not be acted upon (since it happened
    -- after the existing job started executing, but no further job is being
    -- scheduled), but it is useful in very rare circumstances for
    -- de-duplication. If in doubt, DO NOT USE THIS.
    insert into "graphile_worker"._private_jobs as jobs (
      job_queue_id,
      task_id,
      payload,
      run_at,
      max_attempts,
      key,
      priority,
      flags
    )
      select
        job_queues.id,
        tasks.id,
        coalesce(add_job.payload, '{}'::json),
        coalesce(add_job.run_at, now()),
        coalesce(add_job.max_attempts::smallint, 25::smallint),
        add_job.job_key,
        coalesce(add_job.priority::smallint, 0::smallint),
        (
          select jsonb_object_agg(flag, true)
          from unnest(add_job.flags) as item(flag)
        )
      from "graphile_worker"._private_tasks as tasks
      left join "graphile_worker"._private_job_queues as job_queues
      on job_queues.queue_name = add_job.queue_name
      where tasks.identifier = add_job.identifier
    on conflict (key)
      -- Bump the updated_at so that there's something to return
      do update set
        revision = jobs.revision + 1,
        updated_at = now()
      returning *
      into v_job;
    if v_job.revision = 0 then
      perform pg_notify('jobs:insert', '{"r":' || random()::text || ',"count":1}');
    end if;
    return v_job;
  else
    raise exception 'Invalid job_key_mode value, expected ''replace'', ''preserve_run_at'' or ''unsafe_dedupe''.' using errcode = 'GWBKM';
  end if;
end;
$$;

--
-- Name: add_jobs(graphile_worker.job_spec[], boolean); Type: FUNCTION; Schema: graphile_worker; Owner: -
--

CREATE FUNCTION graphile_worker.add_jobs(specs graphile_worker.job_spec[], job_key_preserve_run_at boolean DEFAULT false) RETURNS SETOF graphile_worker._private_jobs
    LANGUAGE plpgsql
    AS $$
begin
  -- Ensure all the tasks exist (insert only missing identifiers so identity is not consumed)
  insert into "graphile_worker"._private_tasks as tasks (identifier)
  select distinct spec.identifier
  from unnest(specs) spec
  where not exists (
    select 1
    from "graphile_worker"._private_tasks as existing
    where existing.identifier = spec.identifier
  )
  on conflict do nothing;
  -- Ensure all the queues exist
  insert into "graphile_worker"._private_job_queues as job_queues (queue_name)
  select distinct spec.queue_name
  from unnest(specs) spec
  where spec.queue_name is not null
  and not exists (
    select 1
    from "graphile_worker"._private_job_queues as existing
    where existing.queue_name = spec.queue_name
  )
  on conflict do nothing;
  -- Ensure any locked jobs have their key cleared - in the case of locked
  -- existing job create a new job instead as it must have already started
  -- executing (i.e. it's world state is out of date, and the fact add_job
  -- has been called again implies there's new information that needs to be
  -- acted upon).
  update "graphile_worker"._private_jobs as jobs
  set
    key = null,
    attempts = jobs.max_attempts,
    updated_at = now()
  from unnest(specs) spec
  where spec.job_key is not null
  and jobs.key = spec.job_key
  and is_available is not true;

  -- WARNING: this count is not 100% accurate; 'on conflict' clause will cause it to be an overestimate
  perform pg_notify('jobs:insert', '{"r":' || random()::text || ',"count":' || array_length(specs, 1)::text || '}');

  -- TODO: is there a risk that a conflict could occur depending on the
  -- isolation level?
  return query insert into "graphile_worker"._private_jobs as jobs (
    job_queue_id,
    task_id,
    payload,
    run_at,
    max_attempts,
    key,
    priority,
    flags
  )
    select
      job_queues.id,
      tasks.id,
      coalesce(spec.payload, '{}'::json),
      coalesce(spec.run_at, now()),
      coalesce(spec.max_attempts, 25),
      spec.job_key,
      coalesce(spec.priority, 0),
      (
        select jsonb_object_agg(flag, true)
        from unnest(spec.flags) as item(flag)
      )
    from unnest(specs) spec
    inner join "graphile_worker"._private_tasks as tasks
    on tasks.identifier = spec.identifier
    left join "graphile_worker"._private_job_queues as job_queues
    on job_queues.queue_name = spec.queue_name
  on conflict (key) do update set
    job_queue_id = excluded.job_queue_id,
    task_id = excluded.task_id,
    payload =
      case
      when json_typeof(jobs.payload) = 'array' and json_typeof(excluded.payload) = 'array' then
        (jobs.payload::jsonb || excluded.payload::jsonb)::json
      else
        excluded.payload
      end,
    max_attempts = excluded.max_attempts,
    run_at = (case
      when job_key_preserve_run_at is true and jobs.attempts = 0 then jobs.run_at
      else excluded.run_at
    end),
    priority = excluded.priority,
    revision = jobs.revision + 1,
    flags = excluded.flags,
    -- always reset error/retry state
    attempts = 0,
    last_error = null,
    updated_at = now()
  where jobs.locked_at is null
  returning *;
end;
$$;

--
-- Name: complete_jobs(bigint[]); Type: FUNCTION; Schema: graphile_worker; Owner: -
--

CREATE FUNCTION graphile_worker.complete_jobs(job_ids bigint[]) RETURNS SETOF graphile_worker._private_jobs
    LANGUAGE sql
    AS $$
  delete from "graphile_worker"._private_jobs as jobs
    where id = any(job_ids)
    and (
      locked_at is null
    or
      locked_at < now() - interval '4 hours'
    )
    returning *;
$$;

--
-- Name: force_unlock_workers(text[]); Type: FUNCTION; Schema: graphile_worker; Owner: -
--

CREATE FUNCTION graphile_worker.force_unlock_workers(worker_ids text[]) RETURNS void
    LANGUAGE sql
    AS $$
update "graphile_worker"._private_jobs as jobs
set locked_at = null, locked_by = null
where locked_by = any(worker_ids);
update "graphile_worker"._private_job_queues as job_queues
set locked_at = null, locked_by = null
where locked_by = any(worker_ids);
$$;

--
-- Name: permanently_fail_jobs(bigint[], text); Type: FUNCTION; Schema: graphile_worker; Owner: -
--

CREATE FUNCTION graphile_worker.permanently_fail_jobs(job_ids bigint[], error_message text DEFAULT NULL::text) RETURNS SETOF graphile_worker._private_jobs
    LANGUAGE sql
    AS $$
  update "graphile_worker"._private_jobs as jobs
    set
      last_error = coalesce(error_message, 'Manually marked as failed'),
      attempts = max_attempts,
      updated_at = now()
    where id = any(job_ids)
    and (
      locked_at is null
    or
      locked_at < NOW() - interval '4 hours'
    )
    returning *;
$$;

--
-- Name: remove_job(text); Type: FUNCTION; Schema: graphile_worker; Owner: -
--

CREATE FUNCTION graphile_worker.remove_job(job_key text) RETURNS graphile_worker._private_jobs
    LANGUAGE plpgsql STRICT
    AS $$
declare
  v_job "graphile_worker"._private_jobs;
begin
  -- Delete job if not locked
  delete from "graphile_worker"._private_jobs as jobs
    where key = job_key
    and (
      locked_at is null
    or
      locked_at < NOW() - interval '4 hours'
    )
  returning * into v_job;
  if not (v_job is null) then
    perform pg_notify('jobs:insert', '{"r":' || random()::text || ',"count":-1}');
    return v_job;
  end if;
  -- Otherwise prevent job from retrying, and clear the key
  update "graphile_worker"._private_jobs as jobs
  set
    key = null,
    attempts = jobs.max_attempts,
    updated_at = now()
  where key = job_key
  returning * into v_job;
  return v_job;
end;
$$;

--
-- Name: reschedule_jobs(bigint[], timestamp with time zone, integer, integer, integer); Type: FUNCTION; Schema: graphile_worker; Owner: -
--

CREATE FUNCTION graphile_worker.reschedule_jobs(job_ids bigint[], run_at timestamp with time zone DEFAULT NULL::timestamp with time zone, priority integer DEFAULT NULL::integer, attempts integer DEFAULT NULL::integer, max_attempts integer DEFAULT NULL::integer) RETURNS SETOF graphile_worker._private_jobs
    LANGUAGE sql
    AS $$
  update "graphile_worker"._private_jobs as jobs
    set
      run_at = coalesce(reschedule_jobs.run_at, jobs.run_at),
      priority = coalesce(reschedule_jobs.priority::smallint, jobs.priority),
      attempts = coalesce(reschedule_jobs.attempts::smallint, jobs.attempts),
      max_attempts = coalesce(reschedule_jobs.max_attempts::smallint, jobs.max_attempts),
      updated_at = now()
    where id = any(job_ids)
    and (
      locked_at is null
    or
      locked_at < NOW() - interval '4 hours'
    )
    returning *;
$$;

--
-- Name: channel_rates; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.channel_rates (
    channel app_public.notification_channel NOT NULL,
    next_at timestamp with time zone DEFAULT '-infinity'::timestamp with time zone NOT NULL,
    sent_next_at timestamp with time zone DEFAULT '-infinity'::timestamp with time zone NOT NULL,
    blocked_until timestamp with time zone DEFAULT '-infinity'::timestamp with time zone NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: TABLE channel_rates; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.channel_rates IS 'Per channel: the next slot a waiting delivery takes (next_at), the earliest the next delivery may go at its rate (sent_next_at, CHANNEL_RATES) and until when a gateway''s 429 holds it back.';

--
-- Name: crontab; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.crontab (
    identifier text NOT NULL,
    task text NOT NULL,
    schedule text NOT NULL,
    period interval NOT NULL,
    job_key text,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: TABLE crontab; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.crontab IS 'The crontab as the running code has it, written by every process as it starts: what runs when.';

--
-- Name: COLUMN crontab.identifier; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.crontab.identifier IS 'The crontab entry (graphile_worker._private_known_crontabs.identifier).';

--
-- Name: COLUMN crontab.schedule; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.crontab.schedule IS 'The five cron fields, e.g. */5 * * * *.';

--
-- Name: COLUMN crontab.period; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.crontab.period IS 'The longest time between two ticks of the schedule.';

--
-- Name: COLUMN crontab.job_key; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.crontab.job_key IS 'The job key its ticks fold into, if any.';

--
-- Name: job_history; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.job_history (
    id bigint NOT NULL,
    job_id bigint NOT NULL,
    task text NOT NULL,
    job_key text,
    attempt integer NOT NULL,
    run_at timestamp with time zone,
    started_at timestamp with time zone,
    taken_at timestamp with time zone,
    finished_at timestamp with time zone NOT NULL,
    duration_ms double precision,
    outcome app_public.job_outcome NOT NULL,
    error text,
    worker_id text,
    payload json
);

--
-- Name: TABLE job_history; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.job_history IS 'Every job outcome, kept after graphile-worker deletes the job; pruned after JOB_HISTORY_RETENTION.';

--
-- Name: COLUMN job_history.attempt; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.job_history.attempt IS 'Which attempt of the job this was (1 for the first).';

--
-- Name: COLUMN job_history.run_at; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.job_history.run_at IS 'When the job was due.';

--
-- Name: COLUMN job_history.taken_at; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.job_history.taken_at IS 'When the worker took the job (graphile_worker locked_at); with job_id and worker_id, which run this is.';

--
-- Name: COLUMN job_history.worker_id; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.job_history.worker_id IS 'The worker pool that ran it (graphile_worker locked_by).';

--
-- Name: job_history_id_seq; Type: SEQUENCE; Schema: app_private; Owner: -
--

ALTER TABLE app_private.job_history ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_private.job_history_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: jobs_due; Type: VIEW; Schema: app_private; Owner: -
--

CREATE VIEW app_private.jobs_due AS
 SELECT job_states.id,
    job_states.task,
    job_states.key,
    job_states.run_at,
    job_states.lateness,
    job_states.attempts,
    job_states.payload
   FROM app_private.job_states
  WHERE (job_states.state = 'due'::app_public.job_state)
  ORDER BY job_states.run_at;

--
-- Name: VIEW jobs_due; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON VIEW app_private.jobs_due IS 'Jobs that are due and not started, most overdue first, with their lateness.';

--
-- Name: jobs_failed; Type: VIEW; Schema: app_private; Owner: -
--

CREATE VIEW app_private.jobs_failed AS
 SELECT job_states.id,
    job_states.task,
    job_states.key,
    job_states.state,
    job_states.attempts,
    job_states.max_attempts,
    job_states.last_error,
        CASE
            WHEN (job_states.attempts < job_states.max_attempts) THEN job_states.run_at
            ELSE NULL::timestamp with time zone
        END AS next_attempt_at,
    job_states.updated_at,
    job_states.payload
   FROM app_private.job_states
  WHERE (job_states.state = ANY (ARRAY['retrying'::app_public.job_state, 'failed'::app_public.job_state]))
  ORDER BY job_states.updated_at DESC;

--
-- Name: VIEW jobs_failed; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON VIEW app_private.jobs_failed IS 'Failed jobs: retrying (next_attempt_at says when) or permanently failed (no attempts left, next_attempt_at null), with their errors.';

--
-- Name: COLUMN jobs_failed.next_attempt_at; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.jobs_failed.next_attempt_at IS 'When the job is tried again; null when it has no attempts left and will not be retried.';

--
-- Name: jobs_pending_by_task; Type: VIEW; Schema: app_private; Owner: -
--

CREATE VIEW app_private.jobs_pending_by_task AS
 SELECT job_states.task,
    count(*) FILTER (WHERE (job_states.state = 'scheduled'::app_public.job_state)) AS scheduled,
    count(*) FILTER (WHERE (job_states.state = 'due'::app_public.job_state)) AS due,
    count(*) FILTER (WHERE (job_states.state = 'retrying'::app_public.job_state)) AS retrying,
    min(job_states.run_at) FILTER (WHERE (job_states.state = 'scheduled'::app_public.job_state)) AS next_run_at,
    max(job_states.lateness) AS max_lateness
   FROM app_private.job_states
  WHERE (job_states.state = ANY (ARRAY['scheduled'::app_public.job_state, 'due'::app_public.job_state, 'retrying'::app_public.job_state]))
  GROUP BY job_states.task
  ORDER BY job_states.task;

--
-- Name: VIEW jobs_pending_by_task; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON VIEW app_private.jobs_pending_by_task IS 'Jobs waiting to run, per task: scheduled, due, retrying; the next run and the worst lateness.';

--
-- Name: workers; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.workers (
    id text NOT NULL,
    hostname text NOT NULL,
    pid integer NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    last_seen_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: TABLE workers; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.workers IS 'Live worker pools (id = graphile_worker locked_by) and their last heartbeat.';

--
-- Name: COLUMN workers.id; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.workers.id IS 'The graphile-worker pool id, as in graphile_worker.jobs.locked_by.';

--
-- Name: COLUMN workers.last_seen_at; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.workers.last_seen_at IS 'The last heartbeat.';

--
-- Name: jobs_running; Type: VIEW; Schema: app_private; Owner: -
--

CREATE VIEW app_private.jobs_running AS
 SELECT s.id,
    s.task,
    s.key,
    s.locked_by,
    w.hostname,
    w.pid,
    w.last_seen_at,
    (now() - s.locked_at) AS running_for,
    s.attempts
   FROM (app_private.job_states s
     LEFT JOIN app_private.workers w ON ((w.id = s.locked_by)))
  WHERE (s.state = 'running'::app_public.job_state)
  ORDER BY s.locked_at;

--
-- Name: VIEW jobs_running; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON VIEW app_private.jobs_running IS 'Jobs being run, by which worker (host, pid, last heartbeat) and for how long.';

--
-- Name: migrations; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.migrations (
    filename text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: schedule_kinds; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.schedule_kinds (
    name text NOT NULL,
    description text NOT NULL
);

--
-- Name: TABLE schedule_kinds; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.schedule_kinds IS 'The task kinds that may be scheduled at runtime: one per file in src/schedules/kinds/ (a test keeps both lists equal).';

--
-- Name: schedule_runs; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.schedule_runs (
    id bigint NOT NULL,
    schedule_id uuid NOT NULL,
    occurrence timestamp with time zone NOT NULL,
    ran_at timestamp with time zone DEFAULT now() NOT NULL,
    outcome app_public.schedule_outcome NOT NULL,
    coalesced integer DEFAULT 1 NOT NULL,
    job_id bigint,
    CONSTRAINT schedule_runs_coalesced_positive CHECK ((coalesced >= 1))
);

--
-- Name: TABLE schedule_runs; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.schedule_runs IS '@behavior -insert -update -delete
What became of each occurrence of a schedule: run, or skipped as a misfire; one row per schedule and occurrence.';

--
-- Name: COLUMN schedule_runs.id; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedule_runs.id IS 'The run''s id.';

--
-- Name: COLUMN schedule_runs.schedule_id; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedule_runs.schedule_id IS 'The schedule it is a run of.';

--
-- Name: COLUMN schedule_runs.occurrence; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedule_runs.occurrence IS 'The scheduled instant the run was for (the first, when several coalesced).';

--
-- Name: COLUMN schedule_runs.ran_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedule_runs.ran_at IS 'When the worker ran it (or skipped it).';

--
-- Name: COLUMN schedule_runs.outcome; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedule_runs.outcome IS 'ran, or skipped as a misfire.';

--
-- Name: COLUMN schedule_runs.coalesced; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedule_runs.coalesced IS 'How many occurrences this run stands for: 1, or more when missed ones were coalesced into it.';

--
-- Name: COLUMN schedule_runs.job_id; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.schedule_runs.job_id IS 'The run_schedule job (app_private.job_history.job_id).';

--
-- Name: schedules_by_next_run; Type: VIEW; Schema: app_private; Owner: -
--

CREATE VIEW app_private.schedules_by_next_run AS
 SELECT s.id,
    s.name,
    s.kind,
    s.trigger,
        CASE s.trigger
            WHEN 'once'::app_public.schedule_trigger THEN app_private.instant_text(s.run_at)
            WHEN 'interval'::app_public.schedule_trigger THEN ('every '::text || (s.every)::text)
            ELSE s.cron
        END AS rule,
    s.time_zone,
    s.starts_at,
    s.ends_at,
    s.paused,
    s.next_run_at,
    COALESCE(s.misfire_grace, app_private.setting_interval('schedule_misfire_grace'::text)) AS misfire_grace,
    last.occurrence AS last_occurrence,
    last.ran_at AS last_run_at,
    last.outcome AS last_outcome,
    last.coalesced AS last_coalesced,
    j.id AS job_id,
    j.run_at AS job_run_at,
    s.user_id,
    s.created_by,
    s.payload
   FROM ((app_public.schedules s
     LEFT JOIN LATERAL ( SELECT r.occurrence,
            r.ran_at,
            r.outcome,
            r.coalesced
           FROM app_public.schedule_runs r
          WHERE (r.schedule_id = s.id)
          ORDER BY r.occurrence DESC
         LIMIT 1) last ON (true))
     LEFT JOIN graphile_worker._private_jobs j ON ((j.key = app_private.schedule_job_key(s.id))))
  ORDER BY s.next_run_at, s.id;

--
-- Name: VIEW schedules_by_next_run; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON VIEW app_private.schedules_by_next_run IS 'Runtime schedules by next run: trigger and rule, zone, paused, last run and its outcome, the job waiting for the next occurrence.';

--
-- Name: settings; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.settings (
    name text NOT NULL,
    value text NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: TABLE settings; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.settings IS 'Configuration the SQL needs, written by the service at startup from REQUEST_TTL, END_GRACE, ...';

--
-- Name: stale_locks; Type: VIEW; Schema: app_private; Owner: -
--

CREATE VIEW app_private.stale_locks AS
 SELECT s.id,
    s.task,
    s.key,
    s.locked_by,
    s.locked_at,
    w.last_seen_at,
    COALESCE(w.last_seen_at, s.locked_at) AS silent_since
   FROM (app_private.job_states s
     LEFT JOIN app_private.workers w ON ((w.id = s.locked_by)))
  WHERE ((s.state = 'running'::app_public.job_state) AND (COALESCE(w.last_seen_at, s.locked_at) < (now() - app_private.setting_interval('worker_dead_after'::text))));

--
-- Name: VIEW stale_locks; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON VIEW app_private.stale_locks IS 'Locks held by workers that are gone (no heartbeat for WORKER_DEAD_AFTER); the survivors free them on their next beat.';

--
-- Name: _private_known_crontabs; Type: TABLE; Schema: graphile_worker; Owner: -
--

CREATE TABLE graphile_worker._private_known_crontabs (
    identifier text NOT NULL,
    known_since timestamp with time zone NOT NULL,
    last_execution timestamp with time zone
);

--
-- Name: sweep_status; Type: VIEW; Schema: app_private; Owner: -
--

CREATE VIEW app_private.sweep_status AS
 SELECT c.identifier AS sweep,
    c.task,
    c.schedule,
    c.period,
    last.started_at AS last_success_at,
    k.known_since,
    j.id AS job_id,
    j.state AS job_state,
    j.run_at AS job_run_at,
    j.created_at AS job_created_at,
    j.revision AS ticks_folded,
    d.due_since,
    GREATEST((now() - d.due_since), '00:00:00'::interval) AS overdue_for
   FROM ((((app_private.crontab c
     LEFT JOIN graphile_worker._private_known_crontabs k ON ((k.identifier = c.identifier)))
     LEFT JOIN LATERAL ( SELECT h.started_at
           FROM app_private.job_history h
          WHERE ((h.task = c.task) AND (h.outcome = 'success'::app_public.job_outcome))
          ORDER BY h.finished_at DESC
         LIMIT 1) last ON (true))
     LEFT JOIN LATERAL ( SELECT s.id,
            s.state,
            s.run_at,
            s.created_at,
            pj.revision
           FROM (app_private.job_states s
             JOIN graphile_worker._private_jobs pj ON ((pj.id = s.id)))
          WHERE (s.key = c.job_key)) j ON (true))
     CROSS JOIN LATERAL ( SELECT LEAST((GREATEST(COALESCE(last.started_at, k.known_since),
                CASE
                    WHEN ((j.id IS NULL) OR (j.state = 'running'::app_public.job_state)) THEN k.last_execution
                    ELSE NULL::timestamp with time zone
                END) + c.period),
                CASE
                    WHEN (j.state = ANY (ARRAY['due'::app_public.job_state, 'retrying'::app_public.job_state])) THEN LEAST(j.created_at, j.run_at)
                    ELSE NULL::timestamp with time zone
                END) AS due_since) d);

--
-- Name: VIEW sweep_status; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON VIEW app_private.sweep_status IS 'Each crontab entry: its schedule, last success, pending job (ticks folded into it), since when a run has been due and how overdue it is. A running sweep counts as overdue once it runs longer than its period.';

--
-- Name: time_zones; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.time_zones (
    name text NOT NULL
);

--
-- Name: TABLE time_zones; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.time_zones IS 'The IANA time zone names Postgres knew when this was last refreshed.';

--
-- Name: booking_events; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.booking_events (
    id bigint NOT NULL,
    booking_id uuid NOT NULL,
    from_state app_public.booking_state,
    to_state app_public.booking_state NOT NULL,
    actor text NOT NULL,
    reason text,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: TABLE booking_events; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.booking_events IS '@behavior -insert -update -delete
The audit trail: one row per change of a booking, written in the same transaction as the change.';

--
-- Name: COLUMN booking_events.id; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.booking_events.id IS 'Order of events.';

--
-- Name: COLUMN booking_events.booking_id; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.booking_events.booking_id IS 'The booking that changed.';

--
-- Name: COLUMN booking_events.from_state; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.booking_events.from_state IS 'The state before; null when the booking was created.';

--
-- Name: COLUMN booking_events.to_state; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.booking_events.to_state IS 'The state after (the same as before for a reschedule).';

--
-- Name: COLUMN booking_events.actor; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.booking_events.actor IS '@readThrough app_hidden.booking_event_actor
@notNull
@behavior -orderBy -filterBy
Who or what made the change: user:<id>, job:<task> (an exact-time job), sweep:<task>, or sql:<database user>; `admin` for an admin unless you are one.';

--
-- Name: COLUMN booking_events.reason; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.booking_events.reason IS 'Why, when known: a decline or cancel reason, or what was rescheduled.';

--
-- Name: COLUMN booking_events.created_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.booking_events.created_at IS 'When it happened.';

--
-- Name: booking_events_id_seq; Type: SEQUENCE; Schema: app_public; Owner: -
--

ALTER TABLE app_public.booking_events ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.booking_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: schedule_runs_id_seq; Type: SEQUENCE; Schema: app_public; Owner: -
--

ALTER TABLE app_public.schedule_runs ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app_public.schedule_runs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: job_queues_id_seq; Type: SEQUENCE; Schema: graphile_worker; Owner: -
--

ALTER TABLE graphile_worker._private_job_queues ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME graphile_worker.job_queues_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: jobs; Type: VIEW; Schema: graphile_worker; Owner: -
--

CREATE VIEW graphile_worker.jobs AS
 SELECT jobs.id,
    job_queues.queue_name,
    tasks.identifier AS task_identifier,
    jobs.priority,
    jobs.run_at,
    jobs.attempts,
    jobs.max_attempts,
    jobs.last_error,
    jobs.created_at,
    jobs.updated_at,
    jobs.key,
    jobs.locked_at,
    jobs.locked_by,
    jobs.revision,
    jobs.flags
   FROM ((graphile_worker._private_jobs jobs
     JOIN graphile_worker._private_tasks tasks ON ((tasks.id = jobs.task_id)))
     LEFT JOIN graphile_worker._private_job_queues job_queues ON ((job_queues.id = jobs.job_queue_id)));

--
-- Name: jobs_id_seq1; Type: SEQUENCE; Schema: graphile_worker; Owner: -
--

ALTER TABLE graphile_worker._private_jobs ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME graphile_worker.jobs_id_seq1
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: migrations; Type: TABLE; Schema: graphile_worker; Owner: -
--

CREATE TABLE graphile_worker.migrations (
    id integer NOT NULL,
    ts timestamp with time zone DEFAULT now() NOT NULL,
    breaking boolean DEFAULT false NOT NULL
);

--
-- Name: tasks_id_seq; Type: SEQUENCE; Schema: graphile_worker; Owner: -
--

ALTER TABLE graphile_worker._private_tasks ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME graphile_worker.tasks_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: booking_deadlines booking_deadlines_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.booking_deadlines
    ADD CONSTRAINT booking_deadlines_pkey PRIMARY KEY (from_state);

--
-- Name: booking_deadlines booking_deadlines_sweep_task_key; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.booking_deadlines
    ADD CONSTRAINT booking_deadlines_sweep_task_key UNIQUE (sweep_task);

--
-- Name: booking_deadlines booking_deadlines_timer_task_key; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.booking_deadlines
    ADD CONSTRAINT booking_deadlines_timer_task_key UNIQUE (timer_task);

--
-- Name: channel_rates channel_rates_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.channel_rates
    ADD CONSTRAINT channel_rates_pkey PRIMARY KEY (channel);

--
-- Name: crontab crontab_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.crontab
    ADD CONSTRAINT crontab_pkey PRIMARY KEY (identifier);

--
-- Name: job_history job_history_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.job_history
    ADD CONSTRAINT job_history_pkey PRIMARY KEY (id);

--
-- Name: migrations migrations_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.migrations
    ADD CONSTRAINT migrations_pkey PRIMARY KEY (filename);

--
-- Name: paused paused_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.paused
    ADD CONSTRAINT paused_pkey PRIMARY KEY (kind, name);

--
-- Name: schedule_kinds schedule_kinds_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.schedule_kinds
    ADD CONSTRAINT schedule_kinds_pkey PRIMARY KEY (name);

--
-- Name: settings settings_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.settings
    ADD CONSTRAINT settings_pkey PRIMARY KEY (name);

--
-- Name: time_zones time_zones_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.time_zones
    ADD CONSTRAINT time_zones_pkey PRIMARY KEY (name);

--
-- Name: workers workers_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.workers
    ADD CONSTRAINT workers_pkey PRIMARY KEY (id);

--
-- Name: booking_events booking_events_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.booking_events
    ADD CONSTRAINT booking_events_pkey PRIMARY KEY (id);

--
-- Name: bookings bookings_no_duplicate_request; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.bookings
    ADD CONSTRAINT bookings_no_duplicate_request EXCLUDE USING gist (student_id WITH =, tutor_id WITH =, tstzrange(starts_at, ends_at) WITH &&) WHERE ((state = 'requested'::app_public.booking_state));

--
-- Name: CONSTRAINT bookings_no_duplicate_request ON bookings; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON CONSTRAINT bookings_no_duplicate_request ON app_public.bookings IS 'A student cannot hold two open requests with one tutor at overlapping times.';

--
-- Name: bookings bookings_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.bookings
    ADD CONSTRAINT bookings_pkey PRIMARY KEY (id);

--
-- Name: bookings bookings_tutor_no_overlap; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.bookings
    ADD CONSTRAINT bookings_tutor_no_overlap EXCLUDE USING gist (tutor_id WITH =, tstzrange(starts_at, ends_at) WITH &&) WHERE ((state = ANY (ARRAY['scheduled'::app_public.booking_state, 'active'::app_public.booking_state])));

--
-- Name: CONSTRAINT bookings_tutor_no_overlap ON bookings; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON CONSTRAINT bookings_tutor_no_overlap ON app_public.bookings IS 'A tutor cannot hold two overlapping scheduled or active sessions.';

--
-- Name: notifications notifications_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.notifications
    ADD CONSTRAINT notifications_pkey PRIMARY KEY (id);

--
-- Name: schedule_runs schedule_runs_once; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.schedule_runs
    ADD CONSTRAINT schedule_runs_once UNIQUE (schedule_id, occurrence);

--
-- Name: schedule_runs schedule_runs_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.schedule_runs
    ADD CONSTRAINT schedule_runs_pkey PRIMARY KEY (id);

--
-- Name: schedules schedules_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.schedules
    ADD CONSTRAINT schedules_pkey PRIMARY KEY (id);

--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

--
-- Name: _private_job_queues job_queues_pkey1; Type: CONSTRAINT; Schema: graphile_worker; Owner: -
--

ALTER TABLE ONLY graphile_worker._private_job_queues
    ADD CONSTRAINT job_queues_pkey1 PRIMARY KEY (id);

--
-- Name: _private_job_queues job_queues_queue_name_key; Type: CONSTRAINT; Schema: graphile_worker; Owner: -
--

ALTER TABLE ONLY graphile_worker._private_job_queues
    ADD CONSTRAINT job_queues_queue_name_key UNIQUE (queue_name);

--
-- Name: _private_jobs jobs_key_key1; Type: CONSTRAINT; Schema: graphile_worker; Owner: -
--

ALTER TABLE ONLY graphile_worker._private_jobs
    ADD CONSTRAINT jobs_key_key1 UNIQUE (key);

--
-- Name: _private_jobs jobs_pkey1; Type: CONSTRAINT; Schema: graphile_worker; Owner: -
--

ALTER TABLE ONLY graphile_worker._private_jobs
    ADD CONSTRAINT jobs_pkey1 PRIMARY KEY (id);

--
-- Name: _private_known_crontabs known_crontabs_pkey; Type: CONSTRAINT; Schema: graphile_worker; Owner: -
--

ALTER TABLE ONLY graphile_worker._private_known_crontabs
    ADD CONSTRAINT known_crontabs_pkey PRIMARY KEY (identifier);

--
-- Name: migrations migrations_pkey; Type: CONSTRAINT; Schema: graphile_worker; Owner: -
--

ALTER TABLE ONLY graphile_worker.migrations
    ADD CONSTRAINT migrations_pkey PRIMARY KEY (id);

--
-- Name: _private_tasks tasks_identifier_key; Type: CONSTRAINT; Schema: graphile_worker; Owner: -
--

ALTER TABLE ONLY graphile_worker._private_tasks
    ADD CONSTRAINT tasks_identifier_key UNIQUE (identifier);

--
-- Name: _private_tasks tasks_pkey; Type: CONSTRAINT; Schema: graphile_worker; Owner: -
--

ALTER TABLE ONLY graphile_worker._private_tasks
    ADD CONSTRAINT tasks_pkey PRIMARY KEY (id);

--
-- Name: job_history_finished_idx; Type: INDEX; Schema: app_private; Owner: -
--

CREATE INDEX job_history_finished_idx ON app_private.job_history USING btree (finished_at);

--
-- Name: job_history_job_idx; Type: INDEX; Schema: app_private; Owner: -
--

CREATE INDEX job_history_job_idx ON app_private.job_history USING btree (job_id, id);

--
-- Name: job_history_task_idx; Type: INDEX; Schema: app_private; Owner: -
--

CREATE INDEX job_history_task_idx ON app_private.job_history USING btree (task, finished_at);

--
-- Name: booking_events_booking_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX booking_events_booking_idx ON app_public.booking_events USING btree (booking_id, id);

--
-- Name: bookings_active_ends_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX bookings_active_ends_idx ON app_public.bookings USING btree (ends_at) WHERE (state = 'active'::app_public.booking_state);

--
-- Name: bookings_requested_expires_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX bookings_requested_expires_idx ON app_public.bookings USING btree (expires_at) WHERE (state = 'requested'::app_public.booking_state);

--
-- Name: bookings_scheduled_starts_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX bookings_scheduled_starts_idx ON app_public.bookings USING btree (starts_at) WHERE (state = 'scheduled'::app_public.booking_state);

--
-- Name: bookings_starts_at_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX bookings_starts_at_idx ON app_public.bookings USING btree (starts_at);

--
-- Name: bookings_state_starts_at_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX bookings_state_starts_at_idx ON app_public.bookings USING btree (state, starts_at);

--
-- Name: bookings_student_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX bookings_student_idx ON app_public.bookings USING btree (student_id, starts_at);

--
-- Name: bookings_tutor_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX bookings_tutor_idx ON app_public.bookings USING btree (tutor_id, starts_at);

--
-- Name: bookings_updated_at_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX bookings_updated_at_idx ON app_public.bookings USING btree (updated_at);

--
-- Name: notifications_booking_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX notifications_booking_idx ON app_public.notifications USING btree (booking_id);

--
-- Name: notifications_pending_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX notifications_pending_idx ON app_public.notifications USING btree (run_at) WHERE (state = 'pending'::app_public.notification_state);

--
-- Name: notifications_recipient_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX notifications_recipient_idx ON app_public.notifications USING btree (recipient_id, run_at);

--
-- Name: notifications_reminder_key; Type: INDEX; Schema: app_public; Owner: -
--

CREATE UNIQUE INDEX notifications_reminder_key ON app_public.notifications USING btree (booking_id, recipient_id, lead) WHERE (booking_id IS NOT NULL);

--
-- Name: notifications_scheduled_by_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX notifications_scheduled_by_idx ON app_public.notifications USING btree (scheduled_by_id);

--
-- Name: schedule_runs_schedule_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX schedule_runs_schedule_idx ON app_public.schedule_runs USING btree (schedule_id, occurrence DESC);

--
-- Name: schedules_created_by_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX schedules_created_by_idx ON app_public.schedules USING btree (created_by);

--
-- Name: schedules_kind_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX schedules_kind_idx ON app_public.schedules USING btree (kind);

--
-- Name: schedules_next_run_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX schedules_next_run_idx ON app_public.schedules USING btree (next_run_at);

--
-- Name: schedules_user_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX schedules_user_idx ON app_public.schedules USING btree (user_id);

--
-- Name: users_email_key; Type: INDEX; Schema: app_public; Owner: -
--

CREATE UNIQUE INDEX users_email_key ON app_public.users USING btree (lower(email));

--
-- Name: users_role_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX users_role_idx ON app_public.users USING btree (role);

--
-- Name: jobs_main_index; Type: INDEX; Schema: graphile_worker; Owner: -
--

CREATE INDEX jobs_main_index ON graphile_worker._private_jobs USING btree (priority, run_at) INCLUDE (id, task_id, job_queue_id) WHERE (is_available = true);

--
-- Name: jobs_no_queue_index; Type: INDEX; Schema: graphile_worker; Owner: -
--

CREATE INDEX jobs_no_queue_index ON graphile_worker._private_jobs USING btree (priority, run_at) INCLUDE (id, task_id) WHERE ((is_available = true) AND (job_queue_id IS NULL));

--
-- Name: schoolbell_jobs_next_run_idx; Type: INDEX; Schema: graphile_worker; Owner: -
--

CREATE INDEX schoolbell_jobs_next_run_idx ON graphile_worker._private_jobs USING btree (run_at) WHERE is_available;

--
-- Name: job_history _900_notify; Type: TRIGGER; Schema: app_private; Owner: -
--

CREATE TRIGGER _900_notify AFTER INSERT ON app_private.job_history REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_job_history__notify();

--
-- Name: paused _900_notify; Type: TRIGGER; Schema: app_private; Owner: -
--

CREATE TRIGGER _900_notify AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON app_private.paused FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_paused__notify();

--
-- Name: bookings _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.bookings FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: notifications _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.notifications FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: schedules _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.schedules FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: users _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE INSERT OR UPDATE ON app_public.users FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();

--
-- Name: bookings _200_guard; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _200_guard BEFORE INSERT OR UPDATE ON app_public.bookings FOR EACH ROW EXECUTE FUNCTION app_private.tg_bookings__guard();

--
-- Name: bookings _800_audit; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _800_audit AFTER INSERT OR UPDATE ON app_public.bookings FOR EACH ROW EXECUTE FUNCTION app_private.tg_bookings__audit();

--
-- Name: schedules _900_job; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _900_job AFTER INSERT OR DELETE OR UPDATE ON app_public.schedules FOR EACH ROW EXECUTE FUNCTION app_private.tg_schedules__job();

--
-- Name: booking_events _900_notify; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _900_notify AFTER INSERT ON app_public.booking_events FOR EACH ROW EXECUTE FUNCTION app_private.tg_booking_events__notify();

--
-- Name: notifications _900_notify; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _900_notify AFTER INSERT OR UPDATE OF state ON app_public.notifications FOR EACH ROW EXECUTE FUNCTION app_private.tg_notifications__notify();

--
-- Name: bookings _900_timers_insert; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _900_timers_insert AFTER INSERT ON app_public.bookings REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_bookings__timers_set();

--
-- Name: bookings _900_timers_update; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _900_timers_update AFTER UPDATE ON app_public.bookings REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_bookings__timers_set();

--
-- Name: _private_jobs _500_pause_flags; Type: TRIGGER; Schema: graphile_worker; Owner: -
--

CREATE TRIGGER _500_pause_flags BEFORE INSERT ON graphile_worker._private_jobs FOR EACH ROW EXECUTE FUNCTION app_private.tg_private_jobs__pause_flags();

--
-- Name: _private_jobs _900_history; Type: TRIGGER; Schema: graphile_worker; Owner: -
--

CREATE TRIGGER _900_history AFTER DELETE ON graphile_worker._private_jobs REFERENCING OLD TABLE AS finished FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_private_jobs__history_success();

--
-- Name: _private_jobs _900_history_failure; Type: TRIGGER; Schema: graphile_worker; Owner: -
--

CREATE TRIGGER _900_history_failure AFTER UPDATE ON graphile_worker._private_jobs FOR EACH ROW WHEN (((old.locked_by IS NOT NULL) AND (new.locked_by IS NULL) AND (new.run_at > old.run_at) AND (new.last_error IS NOT NULL) AND (old.locked_at > (now() - '04:00:00'::interval)))) EXECUTE FUNCTION app_private.tg_private_jobs__history_failure();

--
-- Name: booking_events booking_events_booking_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.booking_events
    ADD CONSTRAINT booking_events_booking_id_fkey FOREIGN KEY (booking_id) REFERENCES app_public.bookings(id) ON DELETE CASCADE;

--
-- Name: CONSTRAINT booking_events_booking_id_fkey ON booking_events; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON CONSTRAINT booking_events_booking_id_fkey ON app_public.booking_events IS '@fieldName booking
@foreignFieldName events
@notNull
The booking that changed.';

--
-- Name: bookings bookings_student_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.bookings
    ADD CONSTRAINT bookings_student_id_fkey FOREIGN KEY (student_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: CONSTRAINT bookings_student_id_fkey ON bookings; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON CONSTRAINT bookings_student_id_fkey ON app_public.bookings IS '@fieldName student
@foreignFieldName bookingsAsStudent
@notNull
The student who asked for the session.';

--
-- Name: bookings bookings_tutor_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.bookings
    ADD CONSTRAINT bookings_tutor_id_fkey FOREIGN KEY (tutor_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: CONSTRAINT bookings_tutor_id_fkey ON bookings; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON CONSTRAINT bookings_tutor_id_fkey ON app_public.bookings IS '@fieldName tutor
@foreignFieldName bookingsAsTutor
@notNull
The tutor who gives it.';

--
-- Name: notifications notifications_booking_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.notifications
    ADD CONSTRAINT notifications_booking_id_fkey FOREIGN KEY (booking_id) REFERENCES app_public.bookings(id) ON DELETE CASCADE;

--
-- Name: CONSTRAINT notifications_booking_id_fkey ON notifications; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON CONSTRAINT notifications_booking_id_fkey ON app_public.notifications IS '@fieldName booking
@foreignFieldName reminders';

--
-- Name: notifications notifications_recipient_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.notifications
    ADD CONSTRAINT notifications_recipient_id_fkey FOREIGN KEY (recipient_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: CONSTRAINT notifications_recipient_id_fkey ON notifications; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON CONSTRAINT notifications_recipient_id_fkey ON app_public.notifications IS '@fieldName recipient
@foreignFieldName notifications
@notNull
Who receives it.';

--
-- Name: notifications notifications_scheduled_by_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.notifications
    ADD CONSTRAINT notifications_scheduled_by_id_fkey FOREIGN KEY (scheduled_by_id) REFERENCES app_public.users(id) ON DELETE SET NULL;

--
-- Name: CONSTRAINT notifications_scheduled_by_id_fkey ON notifications; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON CONSTRAINT notifications_scheduled_by_id_fkey ON app_public.notifications IS '@fieldName scheduledBy
@foreignFieldName scheduledNotifications
@backwardBehavior -*';

--
-- Name: schedule_runs schedule_runs_schedule_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.schedule_runs
    ADD CONSTRAINT schedule_runs_schedule_id_fkey FOREIGN KEY (schedule_id) REFERENCES app_public.schedules(id) ON DELETE CASCADE;

--
-- Name: CONSTRAINT schedule_runs_schedule_id_fkey ON schedule_runs; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON CONSTRAINT schedule_runs_schedule_id_fkey ON app_public.schedule_runs IS '@fieldName schedule
@foreignFieldName runs
@notNull
The schedule.';

--
-- Name: schedules schedules_created_by_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.schedules
    ADD CONSTRAINT schedules_created_by_fkey FOREIGN KEY (created_by) REFERENCES app_public.users(id) ON DELETE SET NULL;

--
-- Name: CONSTRAINT schedules_created_by_fkey ON schedules; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON CONSTRAINT schedules_created_by_fkey ON app_public.schedules IS '@fieldName creator
@foreignFieldName createdSchedules
Who created it.';

--
-- Name: schedules schedules_kind_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.schedules
    ADD CONSTRAINT schedules_kind_fkey FOREIGN KEY (kind) REFERENCES app_private.schedule_kinds(name) ON DELETE RESTRICT;

--
-- Name: schedules schedules_user_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.schedules
    ADD CONSTRAINT schedules_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;

--
-- Name: CONSTRAINT schedules_user_id_fkey ON schedules; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON CONSTRAINT schedules_user_id_fkey ON app_public.schedules IS '@fieldName user
@foreignFieldName schedules
The user the schedule concerns.';

--
-- Name: booking_deadlines; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.booking_deadlines ENABLE ROW LEVEL SECURITY;

--
-- Name: channel_rates; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.channel_rates ENABLE ROW LEVEL SECURITY;

--
-- Name: crontab; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.crontab ENABLE ROW LEVEL SECURITY;

--
-- Name: job_history; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.job_history ENABLE ROW LEVEL SECURITY;

--
-- Name: paused; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.paused ENABLE ROW LEVEL SECURITY;

--
-- Name: schedule_kinds; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.schedule_kinds ENABLE ROW LEVEL SECURITY;

--
-- Name: settings; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.settings ENABLE ROW LEVEL SECURITY;

--
-- Name: time_zones; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.time_zones ENABLE ROW LEVEL SECURITY;

--
-- Name: workers; Type: ROW SECURITY; Schema: app_private; Owner: -
--

ALTER TABLE app_private.workers ENABLE ROW LEVEL SECURITY;

--
-- Name: booking_events; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.booking_events ENABLE ROW LEVEL SECURITY;

--
-- Name: bookings; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.bookings ENABLE ROW LEVEL SECURITY;

--
-- Name: notifications; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.notifications ENABLE ROW LEVEL SECURITY;

--
-- Name: schedule_runs; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.schedule_runs ENABLE ROW LEVEL SECURITY;

--
-- Name: schedules; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.schedules ENABLE ROW LEVEL SECURITY;

--
-- Name: booking_events select_visible; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_visible ON app_public.booking_events FOR SELECT TO schoolbell_visitor USING ((EXISTS ( SELECT 1
   FROM app_public.bookings b
  WHERE (b.id = booking_events.booking_id))));

--
-- Name: bookings select_visible; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_visible ON app_public.bookings FOR SELECT TO schoolbell_visitor USING (((student_id = ( SELECT app_hidden.current_user_id() AS current_user_id)) OR (tutor_id = ( SELECT app_hidden.current_user_id() AS current_user_id)) OR ( SELECT app_hidden.current_user_is_admin() AS current_user_is_admin)));

--
-- Name: notifications select_visible; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_visible ON app_public.notifications FOR SELECT TO schoolbell_visitor USING (((recipient_id = ( SELECT app_hidden.current_user_id() AS current_user_id)) OR ( SELECT app_hidden.current_user_is_admin() AS current_user_is_admin)));

--
-- Name: schedule_runs select_visible; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_visible ON app_public.schedule_runs FOR SELECT TO schoolbell_visitor USING ((EXISTS ( SELECT 1
   FROM app_public.schedules s
  WHERE (s.id = schedule_runs.schedule_id))));

--
-- Name: schedules select_visible; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_visible ON app_public.schedules FOR SELECT TO schoolbell_visitor USING (((user_id = ( SELECT app_hidden.current_user_id() AS current_user_id)) OR (created_by = ( SELECT app_hidden.current_user_id() AS current_user_id)) OR ( SELECT app_hidden.current_user_is_admin() AS current_user_is_admin)));

--
-- Name: users select_visible; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_visible ON app_public.users FOR SELECT TO schoolbell_visitor USING (((id = ( SELECT app_hidden.current_user_id() AS current_user_id)) OR ((role = 'tutor'::app_public.user_role) AND (( SELECT app_hidden.current_user_id() AS current_user_id) IS NOT NULL)) OR ( SELECT app_hidden.current_user_is_admin() AS current_user_is_admin) OR (EXISTS ( SELECT 1
   FROM app_public.bookings b
  WHERE (((b.student_id = users.id) AND (b.tutor_id = ( SELECT app_hidden.current_user_id() AS current_user_id))) OR ((b.tutor_id = users.id) AND (b.student_id = ( SELECT app_hidden.current_user_id() AS current_user_id))))))));

--
-- Name: users; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.users ENABLE ROW LEVEL SECURITY;

--
-- Name: _private_job_queues; Type: ROW SECURITY; Schema: graphile_worker; Owner: -
--

ALTER TABLE graphile_worker._private_job_queues ENABLE ROW LEVEL SECURITY;

--
-- Name: _private_jobs; Type: ROW SECURITY; Schema: graphile_worker; Owner: -
--

ALTER TABLE graphile_worker._private_jobs ENABLE ROW LEVEL SECURITY;

--
-- Name: _private_known_crontabs; Type: ROW SECURITY; Schema: graphile_worker; Owner: -
--

ALTER TABLE graphile_worker._private_known_crontabs ENABLE ROW LEVEL SECURITY;

--
-- Name: _private_tasks; Type: ROW SECURITY; Schema: graphile_worker; Owner: -
--

ALTER TABLE graphile_worker._private_tasks ENABLE ROW LEVEL SECURITY;

--
-- Name: SCHEMA app_hidden; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA app_hidden TO schoolbell_visitor;

--
-- Name: SCHEMA app_public; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA app_public TO schoolbell_visitor;

--
-- Name: FUNCTION gbtreekey16_in(cstring); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbtreekey16_in(cstring) FROM PUBLIC;

--
-- Name: FUNCTION gbtreekey16_out(public.gbtreekey16); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbtreekey16_out(public.gbtreekey16) FROM PUBLIC;

--
-- Name: FUNCTION gbtreekey2_in(cstring); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbtreekey2_in(cstring) FROM PUBLIC;

--
-- Name: FUNCTION gbtreekey2_out(public.gbtreekey2); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbtreekey2_out(public.gbtreekey2) FROM PUBLIC;

--
-- Name: FUNCTION gbtreekey32_in(cstring); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbtreekey32_in(cstring) FROM PUBLIC;

--
-- Name: FUNCTION gbtreekey32_out(public.gbtreekey32); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbtreekey32_out(public.gbtreekey32) FROM PUBLIC;

--
-- Name: FUNCTION gbtreekey4_in(cstring); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbtreekey4_in(cstring) FROM PUBLIC;

--
-- Name: FUNCTION gbtreekey4_out(public.gbtreekey4); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbtreekey4_out(public.gbtreekey4) FROM PUBLIC;

--
-- Name: FUNCTION gbtreekey8_in(cstring); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbtreekey8_in(cstring) FROM PUBLIC;

--
-- Name: FUNCTION gbtreekey8_out(public.gbtreekey8); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbtreekey8_out(public.gbtreekey8) FROM PUBLIC;

--
-- Name: FUNCTION gbtreekey_var_in(cstring); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbtreekey_var_in(cstring) FROM PUBLIC;

--
-- Name: FUNCTION gbtreekey_var_out(public.gbtreekey_var); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbtreekey_var_out(public.gbtreekey_var) FROM PUBLIC;

--
-- Name: FUNCTION booking_event_actor(id bigint); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.booking_event_actor(id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.booking_event_actor(id bigint) TO schoolbell_visitor;

--
-- Name: FUNCTION booking_event_actor_name(id bigint); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.booking_event_actor_name(id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.booking_event_actor_name(id bigint) TO schoolbell_visitor;

--
-- Name: FUNCTION booking_events_topic(); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.booking_events_topic() FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.booking_events_topic() TO schoolbell_visitor;

--
-- Name: FUNCTION check_time(what text, t timestamp with time zone); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.check_time(what text, t timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.check_time(what text, t timestamp with time zone) TO schoolbell_visitor;

--
-- Name: FUNCTION current_user_id(); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.current_user_id() FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.current_user_id() TO schoolbell_visitor;

--
-- Name: FUNCTION current_user_is_admin(); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.current_user_is_admin() FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.current_user_is_admin() TO schoolbell_visitor;

--
-- Name: FUNCTION job_outcomes(ids bigint[], task text, outcome app_public.job_outcome); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.job_outcomes(ids bigint[], task text, outcome app_public.job_outcome) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.job_outcomes(ids bigint[], task text, outcome app_public.job_outcome) TO schoolbell_visitor;

--
-- Name: FUNCTION job_outcomes_topic(); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.job_outcomes_topic() FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.job_outcomes_topic() TO schoolbell_visitor;

--
-- Name: FUNCTION my_notifications_topic(); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.my_notifications_topic() FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.my_notifications_topic() TO schoolbell_visitor;

--
-- Name: FUNCTION notification_last_error(id uuid); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.notification_last_error(id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.notification_last_error(id uuid) TO schoolbell_visitor;

--
-- Name: FUNCTION notification_scheduled_by_id(id uuid); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.notification_scheduled_by_id(id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.notification_scheduled_by_id(id uuid) TO schoolbell_visitor;

--
-- Name: FUNCTION queue_counts(); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.queue_counts() FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.queue_counts() TO schoolbell_visitor;

--
-- Name: FUNCTION queue_counts_topics(); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.queue_counts_topics() FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.queue_counts_topics() TO schoolbell_visitor;

--
-- Name: FUNCTION is_time_zone(name text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.is_time_zone(name text) FROM PUBLIC;

--
-- Name: COLUMN users.id; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(id) ON TABLE app_public.users TO schoolbell_visitor;

--
-- Name: COLUMN users.name; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(name) ON TABLE app_public.users TO schoolbell_visitor;

--
-- Name: COLUMN users.role; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(role) ON TABLE app_public.users TO schoolbell_visitor;

--
-- Name: COLUMN users.time_zone; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(time_zone) ON TABLE app_public.users TO schoolbell_visitor;

--
-- Name: COLUMN users.created_at; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(created_at) ON TABLE app_public.users TO schoolbell_visitor;

--
-- Name: COLUMN users.updated_at; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(updated_at) ON TABLE app_public.users TO schoolbell_visitor;

--
-- Name: FUNCTION require_admin(); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.require_admin() FROM PUBLIC;

--
-- Name: FUNCTION require_user(); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.require_user() FROM PUBLIC;

--
-- Name: FUNCTION time_is_usable(t timestamp with time zone); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.time_is_usable(t timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.time_is_usable(t timestamp with time zone) TO schoolbell_visitor;

--
-- Name: FUNCTION user_email(id uuid); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.user_email(id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.user_email(id uuid) TO schoolbell_visitor;

--
-- Name: FUNCTION user_phone(id uuid); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.user_phone(id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.user_phone(id uuid) TO schoolbell_visitor;

--
-- Name: FUNCTION actor(kind text, subject text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.actor(kind text, subject text) FROM PUBLIC;

--
-- Name: FUNCTION actor_parts(actor text, OUT kind text, OUT subject text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.actor_parts(actor text, OUT kind text, OUT subject text) FROM PUBLIC;

--
-- Name: FUNCTION add_jobs(specs graphile_worker.job_spec[]); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.add_jobs(specs graphile_worker.job_spec[]) FROM PUBLIC;

--
-- Name: FUNCTION pause_flag(kind text, name text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.pause_flag(kind text, name text) FROM PUBLIC;

--
-- Name: FUNCTION admin_job_for_update(id bigint, change text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.admin_job_for_update(id bigint, change text) FROM PUBLIC;

--
-- Name: FUNCTION announce_job_history(ids bigint[]); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.announce_job_history(ids bigint[]) FROM PUBLIC;

--
-- Name: FUNCTION block_channel(id uuid, until timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.block_channel(id uuid, until timestamp with time zone) FROM PUBLIC;

--
-- Name: TABLE bookings; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.bookings TO schoolbell_visitor;

--
-- Name: FUNCTION booking_time(booking app_public.bookings, name text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.booking_time(booking app_public.bookings, name text) FROM PUBLIC;

--
-- Name: FUNCTION booking_transition_allowed(from_state app_public.booking_state, to_state app_public.booking_state); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.booking_transition_allowed(from_state app_public.booking_state, to_state app_public.booking_state) FROM PUBLIC;

--
-- Name: FUNCTION booking_deadline_of(task text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.booking_deadline_of(task text) FROM PUBLIC;

--
-- Name: FUNCTION bookings_at_deadline(deadline app_private.booking_deadlines, instant timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.bookings_at_deadline(deadline app_private.booking_deadlines, instant timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION bookings_due_at(deadline app_private.booking_deadlines, instant timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.bookings_due_at(deadline app_private.booking_deadlines, instant timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION bulk_action_limit(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.bulk_action_limit() FROM PUBLIC;

--
-- Name: FUNCTION bulk_job_ids(change text, task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.bulk_job_ids(change text, task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION change_jobs(change text, task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone, run_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.change_jobs(change text, task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone, run_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION check_pause(kind text, name text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.check_pause(kind text, name text) FROM PUBLIC;

--
-- Name: FUNCTION check_session_times(starts_at timestamp with time zone, ends_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.check_session_times(starts_at timestamp with time zone, ends_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION daily_agenda(user_id uuid, at timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.daily_agenda(user_id uuid, at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION deadline_grace(deadline app_private.booking_deadlines); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.deadline_grace(deadline app_private.booking_deadlines) FROM PUBLIC;

--
-- Name: FUNCTION deadline_instant(booking app_public.bookings, deadline app_private.booking_deadlines); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.deadline_instant(booking app_public.bookings, deadline app_private.booking_deadlines) FROM PUBLIC;

--
-- Name: FUNCTION enqueue_notification(recipient_id uuid, channel app_public.notification_channel, message text, scheduled_by_id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.enqueue_notification(recipient_id uuid, channel app_public.notification_channel, message text, scheduled_by_id uuid) FROM PUBLIC;

--
-- Name: FUNCTION finish_schedule_occurrence(schedule_id uuid, occurrence timestamp with time zone, outcome app_public.schedule_outcome, coalesced integer, job_id bigint, next_run_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.finish_schedule_occurrence(schedule_id uuid, occurrence timestamp with time zone, outcome app_public.schedule_outcome, coalesced integer, job_id bigint, next_run_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION fire_booking_timer(booking_id uuid, to_state app_public.booking_state, task text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.fire_booking_timer(booking_id uuid, to_state app_public.booking_state, task text) FROM PUBLIC;

--
-- Name: FUNCTION fire_timer(task text, instant timestamp with time zone, batch_size integer, wait boolean, OUT moved integer, OUT waiting boolean); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.fire_timer(task text, instant timestamp with time zone, batch_size integer, wait boolean, OUT moved integer, OUT waiting boolean) FROM PUBLIC;

--
-- Name: FUNCTION give_up_job(job_id bigint); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.give_up_job(job_id bigint) FROM PUBLIC;

--
-- Name: FUNCTION instant_text(at timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.instant_text(at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION job_action_allowed(change text, state app_public.job_state); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.job_action_allowed(change text, state app_public.job_state) FROM PUBLIC;

--
-- Name: FUNCTION jobs_matching(task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.jobs_matching(task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone) FROM PUBLIC;

--
-- Name: TABLE schedules; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.schedules TO schoolbell_visitor;

--
-- Name: FUNCTION lock_schedule_occurrence(schedule_id uuid, occurrence timestamp with time zone, OUT schedule app_public.schedules, OUT grace interval); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.lock_schedule_occurrence(schedule_id uuid, occurrence timestamp with time zone, OUT schedule app_public.schedules, OUT grace interval) FROM PUBLIC;

--
-- Name: FUNCTION move_booking_as_user(booking_id uuid, to_state app_public.booking_state, user_id uuid, reason text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.move_booking_as_user(booking_id uuid, to_state app_public.booking_state, user_id uuid, reason text) FROM PUBLIC;

--
-- Name: FUNCTION move_due_bookings(deadline app_private.booking_deadlines, instant timestamp with time zone, batch_size integer, wait boolean, actor text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.move_due_bookings(deadline app_private.booking_deadlines, instant timestamp with time zone, batch_size integer, wait boolean, actor text) FROM PUBLIC;

--
-- Name: FUNCTION no_deadline_column(name text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.no_deadline_column(name text) FROM PUBLIC;

--
-- Name: FUNCTION notification_job_key(id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.notification_job_key(id uuid) FROM PUBLIC;

--
-- Name: FUNCTION notification_job_spec(id uuid, run_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.notification_job_spec(id uuid, run_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION notification_slot_job_spec(id uuid, slot timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.notification_slot_job_spec(id uuid, slot timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION pause(kind text, name text, paused_by text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.pause(kind text, name text, paused_by text) FROM PUBLIC;

--
-- Name: FUNCTION pause_schedule(id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.pause_schedule(id uuid) FROM PUBLIC;

--
-- Name: FUNCTION paused_flags(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.paused_flags() FROM PUBLIC;

--
-- Name: FUNCTION prune_job_history(batch_size integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.prune_job_history(batch_size integer) FROM PUBLIC;

--
-- Name: FUNCTION raise_booking_conflict(constraint_name text, starts_at timestamp with time zone, ends_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.raise_booking_conflict(constraint_name text, starts_at timestamp with time zone, ends_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION record_notification_attempt(id uuid, error text, retry_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.record_notification_attempt(id uuid, error text, retry_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION recover_dead_workers(dead_after interval); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.recover_dead_workers(dead_after interval) FROM PUBLIC;

--
-- Name: FUNCTION remove_jobs(keys text[]); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.remove_jobs(keys text[]) FROM PUBLIC;

--
-- Name: FUNCTION report_job_runs(reports json); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.report_job_runs(reports json) FROM PUBLIC;

--
-- Name: FUNCTION requeue_notifications(batch_size integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.requeue_notifications(batch_size integer) FROM PUBLIC;

--
-- Name: FUNCTION reschedule_admin_job(id bigint, run_at timestamp with time zone, attempts integer, max_attempts integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.reschedule_admin_job(id bigint, run_at timestamp with time zone, attempts integer, max_attempts integer) FROM PUBLIC;

--
-- Name: FUNCTION resume(kind text, name text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.resume(kind text, name text) FROM PUBLIC;

--
-- Name: FUNCTION resume_schedule(id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.resume_schedule(id uuid) FROM PUBLIC;

--
-- Name: FUNCTION run_schedule_now(id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.run_schedule_now(id uuid) FROM PUBLIC;

--
-- Name: FUNCTION schedule_job_key(id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.schedule_job_key(id uuid) FROM PUBLIC;

--
-- Name: FUNCTION schedule_job_spec(id uuid, occurrence timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.schedule_job_spec(id uuid, occurrence timestamp with time zone) FROM PUBLIC;

--
-- Name: COLUMN notifications.id; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(id) ON TABLE app_public.notifications TO schoolbell_visitor;

--
-- Name: COLUMN notifications.recipient_id; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(recipient_id) ON TABLE app_public.notifications TO schoolbell_visitor;

--
-- Name: COLUMN notifications.booking_id; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(booking_id) ON TABLE app_public.notifications TO schoolbell_visitor;

--
-- Name: COLUMN notifications.lead; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(lead) ON TABLE app_public.notifications TO schoolbell_visitor;

--
-- Name: COLUMN notifications.channel; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(channel) ON TABLE app_public.notifications TO schoolbell_visitor;

--
-- Name: COLUMN notifications.message; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(message) ON TABLE app_public.notifications TO schoolbell_visitor;

--
-- Name: COLUMN notifications.run_at; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(run_at) ON TABLE app_public.notifications TO schoolbell_visitor;

--
-- Name: COLUMN notifications.state; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(state) ON TABLE app_public.notifications TO schoolbell_visitor;

--
-- Name: COLUMN notifications.attempts; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(attempts) ON TABLE app_public.notifications TO schoolbell_visitor;

--
-- Name: COLUMN notifications.sent_at; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(sent_at) ON TABLE app_public.notifications TO schoolbell_visitor;

--
-- Name: COLUMN notifications.created_at; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(created_at) ON TABLE app_public.notifications TO schoolbell_visitor;

--
-- Name: COLUMN notifications.updated_at; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(updated_at) ON TABLE app_public.notifications TO schoolbell_visitor;

--
-- Name: FUNCTION schedule_notification_job(notification app_public.notifications); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.schedule_notification_job(notification app_public.notifications) FROM PUBLIC;

--
-- Name: FUNCTION schedule_what(schedule app_public.schedules); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.schedule_what(schedule app_public.schedules) FROM PUBLIC;

--
-- Name: FUNCTION set_actor(actor text, reason text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.set_actor(actor text, reason text) FROM PUBLIC;

--
-- Name: FUNCTION set_schedule_paused(id uuid, paused boolean); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.set_schedule_paused(id uuid, paused boolean) FROM PUBLIC;

--
-- Name: FUNCTION setting_interval(name text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.setting_interval(name text) FROM PUBLIC;

--
-- Name: FUNCTION subscription_topic(kind text, subject uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.subscription_topic(kind text, subject uuid) FROM PUBLIC;

--
-- Name: FUNCTION sweep_bookings(task text, batch_size integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.sweep_bookings(task text, batch_size integer) FROM PUBLIC;

--
-- Name: FUNCTION sweep_tasks(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.sweep_tasks() FROM PUBLIC;

--
-- Name: FUNCTION sync_schedule_job(schedule app_public.schedules); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.sync_schedule_job(schedule app_public.schedules) FROM PUBLIC;

--
-- Name: FUNCTION sync_timers(after app_public.bookings[], before app_public.bookings[]); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.sync_timers(after app_public.bookings[], before app_public.bookings[]) FROM PUBLIC;

--
-- Name: FUNCTION take_delivery_slot(id uuid, spacings jsonb, reserved timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.take_delivery_slot(id uuid, spacings jsonb, reserved timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION tg__timestamps(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg__timestamps() FROM PUBLIC;

--
-- Name: FUNCTION tg_booking_events__notify(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_booking_events__notify() FROM PUBLIC;

--
-- Name: FUNCTION tg_bookings__audit(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_bookings__audit() FROM PUBLIC;

--
-- Name: FUNCTION tg_bookings__guard(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_bookings__guard() FROM PUBLIC;

--
-- Name: FUNCTION tg_bookings__timers_set(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_bookings__timers_set() FROM PUBLIC;

--
-- Name: FUNCTION tg_job_history__notify(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_job_history__notify() FROM PUBLIC;

--
-- Name: FUNCTION tg_notifications__notify(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_notifications__notify() FROM PUBLIC;

--
-- Name: FUNCTION tg_paused__notify(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_paused__notify() FROM PUBLIC;

--
-- Name: FUNCTION tg_private_jobs__history_failure(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_private_jobs__history_failure() FROM PUBLIC;

--
-- Name: FUNCTION tg_private_jobs__history_success(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_private_jobs__history_success() FROM PUBLIC;

--
-- Name: FUNCTION tg_private_jobs__pause_flags(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_private_jobs__pause_flags() FROM PUBLIC;

--
-- Name: FUNCTION tg_schedules__job(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_schedules__job() FROM PUBLIC;

--
-- Name: FUNCTION timer_key(task text, instant timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.timer_key(task text, instant timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION timer_spec(task text, instant timestamp with time zone, grace interval); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.timer_spec(task text, instant timestamp with time zone, grace interval) FROM PUBLIC;

--
-- Name: FUNCTION to_job(s app_private.job_states); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.to_job(s app_private.job_states) FROM PUBLIC;

--
-- Name: FUNCTION to_pause(p app_private.paused); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.to_pause(p app_private.paused) FROM PUBLIC;

--
-- Name: FUNCTION transition_booking(booking_id uuid, to_state app_public.booking_state, actor text, reason text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.transition_booking(booking_id uuid, to_state app_public.booking_state, actor text, reason text) FROM PUBLIC;

--
-- Name: FUNCTION upcoming_jobs(from_at timestamp with time zone, until_at timestamp with time zone, max_items integer, with_crontab boolean); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.upcoming_jobs(from_at timestamp with time zone, until_at timestamp with time zone, max_items integer, with_crontab boolean) FROM PUBLIC;

--
-- Name: FUNCTION visible_booking_for_update(booking_id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.visible_booking_for_update(booking_id uuid) FROM PUBLIC;

--
-- Name: FUNCTION worker_beat(id text, hostname text, pid integer, dead_after interval); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.worker_beat(id text, hostname text, pid integer, dead_after interval) FROM PUBLIC;

--
-- Name: FUNCTION worker_heartbeat(id text, hostname text, pid integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.worker_heartbeat(id text, hostname text, pid integer) FROM PUBLIC;

--
-- Name: FUNCTION worker_stopped(id text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.worker_stopped(id text) FROM PUBLIC;

--
-- Name: FUNCTION write_crontab(entries json); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.write_crontab(entries json) FROM PUBLIC;

--
-- Name: FUNCTION accept_booking(booking_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.accept_booking(booking_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.accept_booking(booking_id uuid) TO schoolbell_visitor;

--
-- Name: FUNCTION admin_vocabulary(); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.admin_vocabulary() FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.admin_vocabulary() TO schoolbell_visitor;

--
-- Name: FUNCTION bookings_timers(booking app_public.bookings); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.bookings_timers(booking app_public.bookings) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.bookings_timers(booking app_public.bookings) TO schoolbell_visitor;

--
-- Name: FUNCTION cancel_booking(booking_id uuid, reason text); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.cancel_booking(booking_id uuid, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.cancel_booking(booking_id uuid, reason text) TO schoolbell_visitor;

--
-- Name: FUNCTION cancel_job(id bigint); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.cancel_job(id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.cancel_job(id bigint) TO schoolbell_visitor;

--
-- Name: FUNCTION cancel_jobs(task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.cancel_jobs(task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.cancel_jobs(task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone) TO schoolbell_visitor;

--
-- Name: FUNCTION cancel_notification(id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.cancel_notification(id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.cancel_notification(id uuid) TO schoolbell_visitor;

--
-- Name: FUNCTION "current_user"(); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public."current_user"() FROM PUBLIC;
GRANT ALL ON FUNCTION app_public."current_user"() TO schoolbell_visitor;

--
-- Name: FUNCTION decline_booking(booking_id uuid, reason text); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.decline_booking(booking_id uuid, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.decline_booking(booking_id uuid, reason text) TO schoolbell_visitor;

--
-- Name: FUNCTION job(id bigint); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.job(id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.job(id bigint) TO schoolbell_visitor;

--
-- Name: FUNCTION job_counts(); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.job_counts() FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.job_counts() TO schoolbell_visitor;

--
-- Name: FUNCTION job_runs(job_id bigint, task text, outcome app_public.job_outcome, since timestamp with time zone); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.job_runs(job_id bigint, task text, outcome app_public.job_outcome, since timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.job_runs(job_id bigint, task text, outcome app_public.job_outcome, since timestamp with time zone) TO schoolbell_visitor;

--
-- Name: FUNCTION job_throughput(minutes integer, bucket_minutes integer); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.job_throughput(minutes integer, bucket_minutes integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.job_throughput(minutes integer, bucket_minutes integer) TO schoolbell_visitor;

--
-- Name: FUNCTION jobs(task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.jobs(task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.jobs(task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone) TO schoolbell_visitor;

--
-- Name: FUNCTION jobs_matching(task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.jobs_matching(task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.jobs_matching(task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone) TO schoolbell_visitor;

--
-- Name: FUNCTION pause_channel(channel app_public.notification_channel); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.pause_channel(channel app_public.notification_channel) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.pause_channel(channel app_public.notification_channel) TO schoolbell_visitor;

--
-- Name: FUNCTION pause_task(task text); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.pause_task(task text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.pause_task(task text) TO schoolbell_visitor;

--
-- Name: FUNCTION pauses(); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.pauses() FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.pauses() TO schoolbell_visitor;

--
-- Name: FUNCTION queue_summary(); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.queue_summary() FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.queue_summary() TO schoolbell_visitor;

--
-- Name: FUNCTION request_booking(tutor_id uuid, starts_at timestamp with time zone, ends_at timestamp with time zone, subject text); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.request_booking(tutor_id uuid, starts_at timestamp with time zone, ends_at timestamp with time zone, subject text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.request_booking(tutor_id uuid, starts_at timestamp with time zone, ends_at timestamp with time zone, subject text) TO schoolbell_visitor;

--
-- Name: FUNCTION reschedule_booking(booking_id uuid, starts_at timestamp with time zone, ends_at timestamp with time zone); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.reschedule_booking(booking_id uuid, starts_at timestamp with time zone, ends_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.reschedule_booking(booking_id uuid, starts_at timestamp with time zone, ends_at timestamp with time zone) TO schoolbell_visitor;

--
-- Name: FUNCTION reschedule_job(id bigint, run_at timestamp with time zone); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.reschedule_job(id bigint, run_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.reschedule_job(id bigint, run_at timestamp with time zone) TO schoolbell_visitor;

--
-- Name: FUNCTION reschedule_jobs(run_at timestamp with time zone, task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.reschedule_jobs(run_at timestamp with time zone, task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.reschedule_jobs(run_at timestamp with time zone, task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone) TO schoolbell_visitor;

--
-- Name: FUNCTION resume_channel(channel app_public.notification_channel); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.resume_channel(channel app_public.notification_channel) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.resume_channel(channel app_public.notification_channel) TO schoolbell_visitor;

--
-- Name: FUNCTION resume_task(task text); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.resume_task(task text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.resume_task(task text) TO schoolbell_visitor;

--
-- Name: FUNCTION retry_job(id bigint); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.retry_job(id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.retry_job(id bigint) TO schoolbell_visitor;

--
-- Name: FUNCTION retry_jobs(task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.retry_jobs(task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.retry_jobs(task text, state app_public.job_state, since timestamp with time zone, until timestamp with time zone) TO schoolbell_visitor;

--
-- Name: FUNCTION run_sweep(task text); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.run_sweep(task text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.run_sweep(task text) TO schoolbell_visitor;

--
-- Name: FUNCTION schedule_notification(recipient_id uuid, channel app_public.notification_channel, message text, run_at timestamp with time zone); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.schedule_notification(recipient_id uuid, channel app_public.notification_channel, message text, run_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.schedule_notification(recipient_id uuid, channel app_public.notification_channel, message text, run_at timestamp with time zone) TO schoolbell_visitor;

--
-- Name: FUNCTION add_job(identifier text, payload json, queue_name text, run_at timestamp with time zone, max_attempts integer, job_key text, priority integer, flags text[], job_key_mode text); Type: ACL; Schema: graphile_worker; Owner: -
--

REVOKE ALL ON FUNCTION graphile_worker.add_job(identifier text, payload json, queue_name text, run_at timestamp with time zone, max_attempts integer, job_key text, priority integer, flags text[], job_key_mode text) FROM PUBLIC;

--
-- Name: FUNCTION add_jobs(specs graphile_worker.job_spec[], job_key_preserve_run_at boolean); Type: ACL; Schema: graphile_worker; Owner: -
--

REVOKE ALL ON FUNCTION graphile_worker.add_jobs(specs graphile_worker.job_spec[], job_key_preserve_run_at boolean) FROM PUBLIC;

--
-- Name: FUNCTION complete_jobs(job_ids bigint[]); Type: ACL; Schema: graphile_worker; Owner: -
--

REVOKE ALL ON FUNCTION graphile_worker.complete_jobs(job_ids bigint[]) FROM PUBLIC;

--
-- Name: FUNCTION force_unlock_workers(worker_ids text[]); Type: ACL; Schema: graphile_worker; Owner: -
--

REVOKE ALL ON FUNCTION graphile_worker.force_unlock_workers(worker_ids text[]) FROM PUBLIC;

--
-- Name: FUNCTION permanently_fail_jobs(job_ids bigint[], error_message text); Type: ACL; Schema: graphile_worker; Owner: -
--

REVOKE ALL ON FUNCTION graphile_worker.permanently_fail_jobs(job_ids bigint[], error_message text) FROM PUBLIC;

--
-- Name: FUNCTION remove_job(job_key text); Type: ACL; Schema: graphile_worker; Owner: -
--

REVOKE ALL ON FUNCTION graphile_worker.remove_job(job_key text) FROM PUBLIC;

--
-- Name: FUNCTION reschedule_jobs(job_ids bigint[], run_at timestamp with time zone, priority integer, attempts integer, max_attempts integer); Type: ACL; Schema: graphile_worker; Owner: -
--

REVOKE ALL ON FUNCTION graphile_worker.reschedule_jobs(job_ids bigint[], run_at timestamp with time zone, priority integer, attempts integer, max_attempts integer) FROM PUBLIC;

--
-- Name: FUNCTION cash_dist(money, money); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.cash_dist(money, money) FROM PUBLIC;

--
-- Name: FUNCTION date_dist(date, date); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.date_dist(date, date) FROM PUBLIC;

--
-- Name: FUNCTION float4_dist(real, real); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.float4_dist(real, real) FROM PUBLIC;

--
-- Name: FUNCTION float8_dist(double precision, double precision); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.float8_dist(double precision, double precision) FROM PUBLIC;

--
-- Name: FUNCTION gbt_bit_compress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_bit_compress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_bit_consistent(internal, bit, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_bit_consistent(internal, bit, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_bit_penalty(internal, internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_bit_penalty(internal, internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_bit_picksplit(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_bit_picksplit(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_bit_same(public.gbtreekey_var, public.gbtreekey_var, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_bit_same(public.gbtreekey_var, public.gbtreekey_var, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_bit_union(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_bit_union(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_bool_compress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_bool_compress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_bool_consistent(internal, boolean, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_bool_consistent(internal, boolean, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_bool_fetch(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_bool_fetch(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_bool_penalty(internal, internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_bool_penalty(internal, internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_bool_picksplit(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_bool_picksplit(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_bool_same(public.gbtreekey2, public.gbtreekey2, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_bool_same(public.gbtreekey2, public.gbtreekey2, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_bool_union(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_bool_union(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_bpchar_compress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_bpchar_compress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_bpchar_consistent(internal, character, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_bpchar_consistent(internal, character, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_bytea_compress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_bytea_compress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_bytea_consistent(internal, bytea, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_bytea_consistent(internal, bytea, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_bytea_penalty(internal, internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_bytea_penalty(internal, internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_bytea_picksplit(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_bytea_picksplit(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_bytea_same(public.gbtreekey_var, public.gbtreekey_var, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_bytea_same(public.gbtreekey_var, public.gbtreekey_var, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_bytea_union(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_bytea_union(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_cash_compress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_cash_compress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_cash_consistent(internal, money, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_cash_consistent(internal, money, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_cash_distance(internal, money, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_cash_distance(internal, money, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_cash_fetch(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_cash_fetch(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_cash_penalty(internal, internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_cash_penalty(internal, internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_cash_picksplit(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_cash_picksplit(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_cash_same(public.gbtreekey16, public.gbtreekey16, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_cash_same(public.gbtreekey16, public.gbtreekey16, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_cash_union(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_cash_union(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_date_compress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_date_compress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_date_consistent(internal, date, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_date_consistent(internal, date, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_date_distance(internal, date, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_date_distance(internal, date, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_date_fetch(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_date_fetch(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_date_penalty(internal, internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_date_penalty(internal, internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_date_picksplit(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_date_picksplit(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_date_same(public.gbtreekey8, public.gbtreekey8, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_date_same(public.gbtreekey8, public.gbtreekey8, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_date_union(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_date_union(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_decompress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_decompress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_enum_compress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_enum_compress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_enum_consistent(internal, anyenum, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_enum_consistent(internal, anyenum, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_enum_fetch(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_enum_fetch(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_enum_penalty(internal, internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_enum_penalty(internal, internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_enum_picksplit(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_enum_picksplit(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_enum_same(public.gbtreekey8, public.gbtreekey8, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_enum_same(public.gbtreekey8, public.gbtreekey8, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_enum_union(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_enum_union(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_float4_compress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_float4_compress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_float4_consistent(internal, real, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_float4_consistent(internal, real, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_float4_distance(internal, real, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_float4_distance(internal, real, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_float4_fetch(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_float4_fetch(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_float4_penalty(internal, internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_float4_penalty(internal, internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_float4_picksplit(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_float4_picksplit(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_float4_same(public.gbtreekey8, public.gbtreekey8, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_float4_same(public.gbtreekey8, public.gbtreekey8, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_float4_union(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_float4_union(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_float8_compress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_float8_compress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_float8_consistent(internal, double precision, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_float8_consistent(internal, double precision, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_float8_distance(internal, double precision, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_float8_distance(internal, double precision, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_float8_fetch(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_float8_fetch(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_float8_penalty(internal, internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_float8_penalty(internal, internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_float8_picksplit(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_float8_picksplit(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_float8_same(public.gbtreekey16, public.gbtreekey16, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_float8_same(public.gbtreekey16, public.gbtreekey16, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_float8_union(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_float8_union(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_inet_compress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_inet_compress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_inet_consistent(internal, inet, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_inet_consistent(internal, inet, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_inet_penalty(internal, internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_inet_penalty(internal, internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_inet_picksplit(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_inet_picksplit(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_inet_same(public.gbtreekey16, public.gbtreekey16, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_inet_same(public.gbtreekey16, public.gbtreekey16, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_inet_union(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_inet_union(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_int2_compress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_int2_compress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_int2_consistent(internal, smallint, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_int2_consistent(internal, smallint, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_int2_distance(internal, smallint, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_int2_distance(internal, smallint, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_int2_fetch(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_int2_fetch(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_int2_penalty(internal, internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_int2_penalty(internal, internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_int2_picksplit(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_int2_picksplit(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_int2_same(public.gbtreekey4, public.gbtreekey4, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_int2_same(public.gbtreekey4, public.gbtreekey4, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_int2_union(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_int2_union(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_int4_compress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_int4_compress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_int4_consistent(internal, integer, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_int4_consistent(internal, integer, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_int4_distance(internal, integer, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_int4_distance(internal, integer, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_int4_fetch(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_int4_fetch(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_int4_penalty(internal, internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_int4_penalty(internal, internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_int4_picksplit(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_int4_picksplit(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_int4_same(public.gbtreekey8, public.gbtreekey8, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_int4_same(public.gbtreekey8, public.gbtreekey8, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_int4_union(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_int4_union(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_int8_compress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_int8_compress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_int8_consistent(internal, bigint, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_int8_consistent(internal, bigint, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_int8_distance(internal, bigint, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_int8_distance(internal, bigint, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_int8_fetch(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_int8_fetch(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_int8_penalty(internal, internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_int8_penalty(internal, internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_int8_picksplit(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_int8_picksplit(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_int8_same(public.gbtreekey16, public.gbtreekey16, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_int8_same(public.gbtreekey16, public.gbtreekey16, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_int8_union(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_int8_union(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_intv_compress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_intv_compress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_intv_consistent(internal, interval, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_intv_consistent(internal, interval, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_intv_decompress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_intv_decompress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_intv_distance(internal, interval, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_intv_distance(internal, interval, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_intv_fetch(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_intv_fetch(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_intv_penalty(internal, internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_intv_penalty(internal, internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_intv_picksplit(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_intv_picksplit(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_intv_same(public.gbtreekey32, public.gbtreekey32, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_intv_same(public.gbtreekey32, public.gbtreekey32, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_intv_union(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_intv_union(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_macad8_compress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_macad8_compress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_macad8_consistent(internal, macaddr8, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_macad8_consistent(internal, macaddr8, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_macad8_fetch(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_macad8_fetch(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_macad8_penalty(internal, internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_macad8_penalty(internal, internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_macad8_picksplit(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_macad8_picksplit(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_macad8_same(public.gbtreekey16, public.gbtreekey16, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_macad8_same(public.gbtreekey16, public.gbtreekey16, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_macad8_union(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_macad8_union(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_macad_compress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_macad_compress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_macad_consistent(internal, macaddr, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_macad_consistent(internal, macaddr, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_macad_fetch(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_macad_fetch(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_macad_penalty(internal, internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_macad_penalty(internal, internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_macad_picksplit(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_macad_picksplit(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_macad_same(public.gbtreekey16, public.gbtreekey16, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_macad_same(public.gbtreekey16, public.gbtreekey16, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_macad_union(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_macad_union(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_numeric_compress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_numeric_compress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_numeric_consistent(internal, numeric, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_numeric_consistent(internal, numeric, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_numeric_penalty(internal, internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_numeric_penalty(internal, internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_numeric_picksplit(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_numeric_picksplit(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_numeric_same(public.gbtreekey_var, public.gbtreekey_var, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_numeric_same(public.gbtreekey_var, public.gbtreekey_var, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_numeric_union(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_numeric_union(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_oid_compress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_oid_compress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_oid_consistent(internal, oid, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_oid_consistent(internal, oid, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_oid_distance(internal, oid, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_oid_distance(internal, oid, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_oid_fetch(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_oid_fetch(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_oid_penalty(internal, internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_oid_penalty(internal, internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_oid_picksplit(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_oid_picksplit(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_oid_same(public.gbtreekey8, public.gbtreekey8, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_oid_same(public.gbtreekey8, public.gbtreekey8, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_oid_union(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_oid_union(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_text_compress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_text_compress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_text_consistent(internal, text, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_text_consistent(internal, text, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_text_penalty(internal, internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_text_penalty(internal, internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_text_picksplit(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_text_picksplit(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_text_same(public.gbtreekey_var, public.gbtreekey_var, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_text_same(public.gbtreekey_var, public.gbtreekey_var, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_text_union(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_text_union(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_time_compress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_time_compress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_time_consistent(internal, time without time zone, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_time_consistent(internal, time without time zone, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_time_distance(internal, time without time zone, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_time_distance(internal, time without time zone, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_time_fetch(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_time_fetch(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_time_penalty(internal, internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_time_penalty(internal, internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_time_picksplit(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_time_picksplit(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_time_same(public.gbtreekey16, public.gbtreekey16, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_time_same(public.gbtreekey16, public.gbtreekey16, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_time_union(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_time_union(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_timetz_compress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_timetz_compress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_timetz_consistent(internal, time with time zone, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_timetz_consistent(internal, time with time zone, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_ts_compress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_ts_compress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_ts_consistent(internal, timestamp without time zone, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_ts_consistent(internal, timestamp without time zone, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_ts_distance(internal, timestamp without time zone, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_ts_distance(internal, timestamp without time zone, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_ts_fetch(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_ts_fetch(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_ts_penalty(internal, internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_ts_penalty(internal, internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_ts_picksplit(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_ts_picksplit(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_ts_same(public.gbtreekey16, public.gbtreekey16, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_ts_same(public.gbtreekey16, public.gbtreekey16, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_ts_union(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_ts_union(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_tstz_compress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_tstz_compress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_tstz_consistent(internal, timestamp with time zone, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_tstz_consistent(internal, timestamp with time zone, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_tstz_distance(internal, timestamp with time zone, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_tstz_distance(internal, timestamp with time zone, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_uuid_compress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_uuid_compress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_uuid_consistent(internal, uuid, smallint, oid, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_uuid_consistent(internal, uuid, smallint, oid, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_uuid_fetch(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_uuid_fetch(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_uuid_penalty(internal, internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_uuid_penalty(internal, internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_uuid_picksplit(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_uuid_picksplit(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_uuid_same(public.gbtreekey32, public.gbtreekey32, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_uuid_same(public.gbtreekey32, public.gbtreekey32, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_uuid_union(internal, internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_uuid_union(internal, internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_var_decompress(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_var_decompress(internal) FROM PUBLIC;

--
-- Name: FUNCTION gbt_var_fetch(internal); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.gbt_var_fetch(internal) FROM PUBLIC;

--
-- Name: FUNCTION int2_dist(smallint, smallint); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.int2_dist(smallint, smallint) FROM PUBLIC;

--
-- Name: FUNCTION int4_dist(integer, integer); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.int4_dist(integer, integer) FROM PUBLIC;

--
-- Name: FUNCTION int8_dist(bigint, bigint); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.int8_dist(bigint, bigint) FROM PUBLIC;

--
-- Name: FUNCTION interval_dist(interval, interval); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.interval_dist(interval, interval) FROM PUBLIC;

--
-- Name: FUNCTION oid_dist(oid, oid); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.oid_dist(oid, oid) FROM PUBLIC;

--
-- Name: FUNCTION time_dist(time without time zone, time without time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.time_dist(time without time zone, time without time zone) FROM PUBLIC;

--
-- Name: FUNCTION ts_dist(timestamp without time zone, timestamp without time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.ts_dist(timestamp without time zone, timestamp without time zone) FROM PUBLIC;

--
-- Name: FUNCTION tstz_dist(timestamp with time zone, timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.tstz_dist(timestamp with time zone, timestamp with time zone) FROM PUBLIC;

--
-- Name: TABLE schedule_runs; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.schedule_runs TO schoolbell_visitor;

--
-- Name: COLUMN booking_events.id; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(id) ON TABLE app_public.booking_events TO schoolbell_visitor;

--
-- Name: COLUMN booking_events.booking_id; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(booking_id) ON TABLE app_public.booking_events TO schoolbell_visitor;

--
-- Name: COLUMN booking_events.from_state; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(from_state) ON TABLE app_public.booking_events TO schoolbell_visitor;

--
-- Name: COLUMN booking_events.to_state; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(to_state) ON TABLE app_public.booking_events TO schoolbell_visitor;

--
-- Name: COLUMN booking_events.reason; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(reason) ON TABLE app_public.booking_events TO schoolbell_visitor;

--
-- Name: COLUMN booking_events.created_at; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(created_at) ON TABLE app_public.booking_events TO schoolbell_visitor;

--
-- Name: DEFAULT PRIVILEGES FOR FUNCTIONS; Type: DEFAULT ACL; Schema: -; Owner: -
--

ALTER DEFAULT PRIVILEGES FOR ROLE <migrator> REVOKE ALL ON FUNCTIONS  FROM PUBLIC;
