-- The admin page and the DBA views, readable by people.
--
-- Replaces app_private.jobs_failed (first defined in 0007_operations.sql): it showed a
-- next_attempt_at (the job's run_at) for a job that has no attempts left and will never run
-- again. A permanently failed job now shows null there.
--
-- New: app_hidden.booking_event_actor_name(bigint), who made a booking change, by name
-- (GraphQL's BookingEvent.actorName, src/actor-name.ts). It reads the actor through
-- app_hidden.booking_event_actor, so whoever may not see an admin's id does not see their name.

create or replace view app_private.jobs_failed as
select id, task, key, state, attempts, max_attempts, last_error,
       case when attempts < max_attempts then run_at end as next_attempt_at,
       updated_at, payload
from app_private.job_states
where state in ('retrying', 'failed')
order by updated_at desc;
comment on view app_private.jobs_failed is
  'Failed jobs: retrying (next_attempt_at says when) or permanently failed (no attempts left, next_attempt_at null), with their errors.';
comment on column app_private.jobs_failed.next_attempt_at is
  'When the job is tried again; null when it has no attempts left and will not be retried.';

create function app_hidden.booking_event_actor_name(id bigint) returns text
  language sql volatile security definer
  set search_path = pg_catalog
as $$
  select case
    when a.actor ~ '^user:[0-9a-f-]{36}$' then coalesce(
      (select u.name from app_public.users u where u.id = substr(a.actor, 6)::uuid), a.actor)
    when a.actor = 'admin' then 'an admin'
    when a.actor like 'job:%' then 'the ' || substr(a.actor, 5) || ' job'
    when a.actor like 'sweep:%' then 'the ' || substr(a.actor, 7) || ' sweep'
    when a.actor like 'sql:%' then 'database user ' || substr(a.actor, 5)
    else a.actor
  end
  from (select app_hidden.booking_event_actor(booking_event_actor_name.id) as actor) a
  where a.actor is not null
$$;
comment on function app_hidden.booking_event_actor_name(bigint) is
  'Who made a booking change, for people: a user''s name, "an admin", "the <task> job", "the <task> sweep" or "database user <name>"; null for a change you may not see.';
revoke execute on function app_hidden.booking_event_actor_name(bigint) from public;
grant execute on function app_hidden.booking_event_actor_name(bigint) to schoolbell_visitor;
