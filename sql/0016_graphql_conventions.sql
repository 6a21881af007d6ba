-- GraphQL conventions for frontends (issue 12): the schema says non-null wherever the database
-- guarantees a value, describes every type, field and enum value, filters bookings through the
-- ordinary `bookings` field, and drops app_public.search_bookings (first defined in
-- 0004_booking_api.sql, last replaced in 0011_access_hardening.sql).
--
-- Comments are the GraphQL documentation; the smart tags in them (read by PostGraphile) are:
--   @notNull   on a composite type's column or a function: the value is never null;
--              on a foreign key: the related row is always there for whoever sees this one.
--   @value     on an enum type, once per label: `<label>: <description>` (src/conventions.ts).
--   @arg       on a function, once per argument: `<graphqlName>: <description>` (src/conventions.ts).
-- Comments that already carried smart tags keep them (@fieldName, @resultFieldName, ...).

------------------------------------------------------------------------------------------------
-- Enums: one description per value.

comment on type app_public.user_role is E'@value student: Asks tutors for sessions.\n@value tutor: Gives sessions; accepts or declines requests.\n@value admin: Sees everything and runs the job queue.\nWhat a user is on the platform.';
comment on type app_public.booking_state is E'@value requested: Asked for by the student, waiting for the tutor.\n@value scheduled: Accepted; waits for its start.\n@value active: The session is running.\n@value ended: The session is over (END_GRACE after its end).\n@value declined: The tutor said no.\n@value cancelled: Called off by either party before it started.\n@value expired: Nobody answered the request in time.\nWhere a booking is in its life.';
comment on type app_public.notification_channel is E'@value log: Written to the service log.\n@value webhook: Posted to the configured gateway (SMS, push).\n@value email: Sent by SMTP.\nHow a notification is delivered: log (the service log), webhook (SMS and push gateways), email (SMTP).';
comment on type app_public.notification_state is E'@value pending: Waiting for its run_at, or for another attempt.\n@value sent: The channel accepted it.\n@value failed: Given up on after the last attempt.\n@value cancelled: Called off before it was sent.\nWhere a notification is: waiting, delivered, given up on, or cancelled.';
comment on type app_public.job_state is E'@value scheduled: Waits for its run_at.\n@value due: Should be running and is not yet.\n@value running: A worker holds it.\n@value retrying: Failed; will be tried again.\n@value failed: No attempts left.\nscheduled: waits for its run_at; due: should be running and is not yet; running: a worker holds it; retrying: failed, will be tried again; failed: no attempts left.';
comment on type app_public.job_outcome is E'@value success: It ran and succeeded.\n@value error: It failed and will be retried.\n@value failed: It failed for good.\n@value crashed: Its worker died mid-run.\n@value cancelled: An admin removed it.\nsuccess; error: failed, will be retried; failed: failed for good; crashed: its worker died mid-run; cancelled: removed by an admin.';

------------------------------------------------------------------------------------------------
-- Composite types the admin functions return: what is always there, and what each column means.

comment on column app_public.job.id is E'@notNull\nThe job''s id in graphile-worker.';
comment on column app_public.job.task is E'@notNull\nThe task that runs it (a file in tasks/).';
comment on column app_public.job.key is 'Its job key, if it has one (timer:<task>:<instant>, notification:<id>, ...).';
comment on column app_public.job.queue is 'The named queue it runs in, one at a time; null for none.';
comment on column app_public.job.state is E'@notNull\nWhere the job is.';
comment on column app_public.job.run_at is E'@notNull\nWhen it is due.';
comment on column app_public.job.attempts is E'@notNull\nAttempts so far.';
comment on column app_public.job.max_attempts is E'@notNull\nAttempts allowed before it fails for good.';
comment on column app_public.job.last_error is 'Why the last attempt failed, if it did.';
comment on column app_public.job.locked_at is 'When its worker took it; null unless running.';
comment on column app_public.job.payload is E'@notNull\nWhat the task is given.';
comment on column app_public.job.created_at is E'@notNull\nWhen it was added.';
comment on column app_public.job.updated_at is E'@notNull\nWhen it last changed.';

comment on column app_public.job_run.id is E'@notNull\nThe history row''s id.';
comment on column app_public.job_run.job_id is E'@notNull\nThe job that ran (it may be gone since).';
comment on column app_public.job_run.task is E'@notNull\nThe task that ran.';
comment on column app_public.job_run.job_key is 'The job''s key, if it had one.';
comment on column app_public.job_run.attempt is E'@notNull\nWhich attempt this was, from 1.';
comment on column app_public.job_run.run_at is 'When the job was due.';
comment on column app_public.job_run.started_at is 'When the attempt started; null when unknown (a job cancelled before it ran).';
comment on column app_public.job_run.finished_at is E'@notNull\nWhen the attempt ended.';
comment on column app_public.job_run.duration_ms is 'How long it ran, in milliseconds.';
comment on column app_public.job_run.outcome is E'@notNull\nHow it ended.';
comment on column app_public.job_run.error is 'The error, when it failed.';
comment on column app_public.job_run.worker_id is 'The worker that ran it.';

comment on column app_public.job_count.task is E'@notNull\nThe task.';
comment on column app_public.job_count.state is E'@notNull\nThe state.';
comment on column app_public.job_count.count is E'@notNull\nHow many of its jobs are in that state.';

comment on column app_public.job_throughput.bucket_start is E'@notNull\nWhere the bucket starts.';
comment on column app_public.job_throughput.succeeded is E'@notNull\nJobs that succeeded in the bucket.';
comment on column app_public.job_throughput.failed is E'@notNull\nAttempts that failed in the bucket (errors, permanent failures, crashes).';

comment on column app_public.queue_summary.oldest_due_job_id is 'The job that has waited longest past its run_at; null when none is due.';
comment on column app_public.queue_summary.oldest_due_task is 'Its task.';
comment on column app_public.queue_summary.oldest_due_run_at is 'Its run_at.';
comment on column app_public.queue_summary.oldest_due_lateness_seconds is 'How long it has waited past its run_at, in seconds.';
comment on column app_public.queue_summary.succeeded_last_hour is E'@notNull\nJobs that succeeded over the last hour.';
comment on column app_public.queue_summary.failed_last_hour is E'@notNull\nAttempts that failed over the last hour.';
comment on column app_public.queue_summary.per_minute_last_hour is E'@notNull\nSucceeded jobs per minute over the last hour.';

------------------------------------------------------------------------------------------------
-- Relations on NOT NULL foreign keys whose target the reader always sees (row-level security
-- shows a booking's student and tutor to whoever sees the booking, an event's booking to whoever
-- sees the event, and a notification's recipient to the recipient and admins).

comment on constraint bookings_student_id_fkey on app_public.bookings is E'@fieldName student\n@foreignFieldName bookingsAsStudent\n@notNull\nThe student who asked for the session.';
comment on constraint bookings_tutor_id_fkey on app_public.bookings is E'@fieldName tutor\n@foreignFieldName bookingsAsTutor\n@notNull\nThe tutor who gives it.';
comment on constraint booking_events_booking_id_fkey on app_public.booking_events is E'@fieldName booking\n@foreignFieldName events\n@notNull\nThe booking that changed.';
comment on constraint notifications_recipient_id_fkey on app_public.notifications is E'@fieldName recipient\n@foreignFieldName notifications\n@notNull\nWho receives it.';

------------------------------------------------------------------------------------------------
-- Functions: what each argument means (@arg, src/conventions.ts); those that return a row or
-- raise are never null. Admin-only root fields stay nullable: a non-admin's refused field then
-- nulls only itself, not the whole response.

comment on function app_public.request_booking(uuid, timestamptz, timestamptz, text) is E'@arg tutorId: The tutor asked for the session.\n@arg startsAt: When the session would start (in the future, within BOOKING_HORIZON).\n@arg endsAt: When it would end (after startsAt, at most 24 hours later).\n@arg subject: What the session is about.\n@resultFieldName booking\n@notNull\nA student asks a tutor for a session. The request expires after REQUEST_TTL, or at its start if sooner, unless the tutor answers.';
comment on function app_public.accept_booking(uuid) is E'@arg bookingId: The requested booking to accept.\n@resultFieldName booking\n@notNull\nThe tutor accepts a requested booking: it becomes scheduled.';
comment on function app_public.decline_booking(uuid, text) is E'@arg bookingId: The requested booking to decline.\n@arg reason: Why, shown to the student; optional.\n@resultFieldName booking\n@notNull\nThe tutor turns a requested booking down, optionally saying why.';
comment on function app_public.cancel_booking(uuid, text) is E'@arg bookingId: The booking to cancel.\n@arg reason: Why, shown to the other party; optional.\n@resultFieldName booking\n@notNull\nCancels a booking: a request (by its student), or a scheduled session before it starts (by either party).';
comment on function app_public.reschedule_booking(uuid, timestamptz, timestamptz) is E'@arg bookingId: The scheduled booking to move.\n@arg startsAt: Its new start (in the future, within BOOKING_HORIZON).\n@arg endsAt: Its new end (after startsAt, at most 24 hours later).\n@resultFieldName booking\n@notNull\nMoves a scheduled session to another time, before it starts; either party may. It stays scheduled.';
comment on function app_public.schedule_notification(uuid, app_public.notification_channel, text, timestamptz) is E'@arg recipientId: The user who receives it.\n@arg channel: How it is delivered.\n@arg message: Its text, 1 to 2000 characters.\n@arg runAt: When to send it; now when omitted.\n@resultFieldName notification\n@notNull\nAdmins: send a message to a user through a channel at runAt (default now). Returns the notification, whose id is its handle.';
comment on function app_public.cancel_notification(uuid) is E'@arg id: The notification to cancel.\n@resultFieldName notification\n@notNull\nAdmins: cancel a pending notification (a custom one or a reminder); cancelling twice is fine.';
comment on function app_public.retry_job(bigint) is E'@arg id: The failed or retrying job.\n@resultFieldName job\n@notNull\nAdmins: run a failed (or retrying) job again now, with its attempts reset.';
comment on function app_public.cancel_job(bigint) is E'@arg id: The job to remove.\n@resultFieldName job\n@notNull\nAdmins: remove a job that is not running. A booking timer''s move is then left to the sweeps; a notification is cancelled.';
comment on function app_public.reschedule_job(bigint, timestamptz) is E'@arg id: The job to move.\n@arg runAt: When it should run.\n@resultFieldName job\n@notNull\nAdmins: move a job to another time. A booking timer run early finds its booking not yet due and does nothing.';
comment on function app_public.run_sweep(text) is E'@arg task: The sweep to run.\n@resultFieldName job\n@notNull\nAdmins: run a sweep now (expire_requests, start_sessions, end_sessions, requeue_notifications, prune_job_history).';
comment on function app_public.jobs(text, app_public.job_state, timestamptz, timestamptz) is E'@arg task: Only jobs of this task.\n@arg state: Only jobs in this state.\n@arg since: Only jobs due at or after this time.\n@arg until: Only jobs due before this time.\nAdmins: jobs filtered by task, state and run_at window [since, until), by run_at.';
comment on function app_public.job(bigint) is E'@arg id: The job''s id.\nAdmins: one job, while graphile-worker still has it. Its attempts, which outlive it, are in jobRuns(jobId).';
comment on function app_public.job_runs(bigint, text, app_public.job_outcome, timestamptz) is E'@arg jobId: Only the attempts of this job.\n@arg task: Only attempts of jobs of this task.\n@arg outcome: Only attempts that ended so.\n@arg since: Only attempts that finished at or after this time.\nAdmins: the job history, newest first, filtered by job, task, outcome and time.';
comment on function app_public.job_throughput(integer, integer) is E'@arg minutes: How far back to look (default 60, at most a week).\n@arg bucketMinutes: The width of a bucket in minutes (default 5).\nAdmins: jobs succeeded and failed per bucket over the last `minutes` (at most a week), for a chart.';
comment on function app_public.queue_summary() is E'Admins: the oldest overdue job, the most overdue sweep, throughput and failures over the last hour.';

------------------------------------------------------------------------------------------------
-- Filtering and ordering the ordinary `bookings` connection. PostGraphile offers a column in
-- `condition` and `orderBy` when an index leads with it: state (with the start time, for "my
-- scheduled sessions by start"), and updated_at (the admin page's recently changed bookings).
-- The states and start-time window conditions are src/conventions.ts's BookingConditionsPlugin.

create index bookings_state_starts_at_idx on app_public.bookings (state, starts_at);
create index bookings_updated_at_idx on app_public.bookings (updated_at);

drop function app_public.search_bookings(app_public.booking_state[], timestamptz, timestamptz);
