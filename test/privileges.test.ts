// What the request role (schoolbell_visitor) may execute and reach, checked against the catalog,
// and what a caller impersonating nobody but themselves can do with it in SQL.
import t from 'tap';
import { createTestPool, sqlError } from '../support/database.ts';
import {
  acceptBooking,
  asUser,
  createUser,
  inTransaction,
  requestBooking,
} from '../support/factories.ts';

const { pool } = await createTestPool(t, 6);

// Every function a GraphQL request may call, directly or through row-level security. Adding one
// is a decision: add it here, with the grant, in the same change.
const ALLOWED = [
  'app_hidden.booking_event_actor(bigint)',
  'app_hidden.booking_event_actor_name(bigint)',
  'app_hidden.booking_events_topic()',
  'app_hidden.check_time(text,timestamp with time zone)',
  'app_hidden.current_user_id()',
  'app_hidden.current_user_is_admin()',
  'app_hidden.job_outcomes(bigint[],text,app_public.job_outcome)',
  'app_hidden.job_outcomes_topic()',
  'app_hidden.my_notifications_topic()',
  'app_hidden.notification_last_error(uuid)',
  'app_hidden.notification_scheduled_by_id(uuid)',
  'app_hidden.queue_counts()',
  'app_hidden.queue_counts_topics()',
  'app_hidden.time_is_usable(timestamp with time zone)',
  'app_hidden.user_email(uuid)',
  'app_hidden.user_phone(uuid)',
  'app_public."current_user"()',
  'app_public.accept_booking(uuid)',
  'app_public.admin_vocabulary()',
  'app_public.bookings_timers(app_public.bookings)',
  'app_public.cancel_booking(uuid,text)',
  'app_public.cancel_job(bigint)',
  'app_public.cancel_jobs(text,app_public.job_state,timestamp with time zone,timestamp with time zone)',
  'app_public.cancel_notification(uuid)',
  'app_public.decline_booking(uuid,text)',
  'app_public.job(bigint)',
  'app_public.job_counts()',
  'app_public.job_runs(bigint,text,app_public.job_outcome,timestamp with time zone)',
  'app_public.job_throughput(integer,integer)',
  'app_public.jobs(text,app_public.job_state,timestamp with time zone,timestamp with time zone)',
  'app_public.jobs_matching(text,app_public.job_state,timestamp with time zone,timestamp with time zone)',
  'app_public.pause_channel(app_public.notification_channel)',
  'app_public.pause_task(text)',
  'app_public.pauses()',
  'app_public.queue_summary()',
  'app_public.request_booking(uuid,timestamp with time zone,timestamp with time zone,text)',
  'app_public.reschedule_booking(uuid,timestamp with time zone,timestamp with time zone)',
  'app_public.reschedule_job(bigint,timestamp with time zone)',
  'app_public.reschedule_jobs(timestamp with time zone,text,app_public.job_state,timestamp with time zone,timestamp with time zone)',
  'app_public.resume_channel(app_public.notification_channel)',
  'app_public.resume_task(text)',
  'app_public.retry_job(bigint)',
  'app_public.retry_jobs(text,app_public.job_state,timestamp with time zone,timestamp with time zone)',
  'app_public.run_sweep(text)',
  'app_public.schedule_notification(uuid,app_public.notification_channel,text,timestamp with time zone)',
];

t.test('the request role executes exactly the allowlisted functions', async (t) => {
  const { rows } = await pool.query<{ fn: string }>(
    `select p.oid::regprocedure::text as fn
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname not in ('pg_catalog', 'information_schema')
        and has_function_privilege('schoolbell_visitor', p.oid, 'EXECUTE')
      order by 1`,
  );
  const executable = rows.map((r) => r.fn);
  t.same(
    executable.filter((fn) => !ALLOWED.includes(fn)),
    [],
    'nothing outside the allowlist (graphile_worker, app_private, extensions included)',
  );
  t.same(
    ALLOWED.filter((fn) => !executable.includes(fn)),
    [],
    'and the allowlist names no function that is gone',
  );

  const definers = await pool.query<{ fn: string }>(
    `select p.oid::regprocedure::text as fn
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where p.prosecdef and n.nspname not in ('pg_catalog', 'information_schema')
        and not exists (select 1 from unnest(p.proconfig) c where c like 'search_path=%')`,
  );
  t.same(definers.rows, [], 'every security definer function sets its search_path');
});

t.test('the request role cannot reach graphile_worker or app_private', async (t) => {
  const { rows } = await pool.query(
    `select nspname, has_schema_privilege('schoolbell_visitor', oid, 'USAGE') as usage
       from pg_namespace where nspname in ('graphile_worker', 'app_private') order by 1`,
  );
  t.same(rows, [
    { nspname: 'app_private', usage: false },
    { nspname: 'graphile_worker', usage: false },
  ]);
  const student = await createUser(pool, 'student');
  for (const statement of [
    "select graphile_worker.add_job('start_sessions_timer', '{}')",
    "select graphile_worker.remove_job('booking:x:start')",
    'select graphile_worker.complete_jobs(array[1::bigint])',
    'select * from graphile_worker.jobs',
    "select app_private.transition_booking(gen_random_uuid(), 'cancelled', 'user:me')",
  ]) {
    const error = await sqlError(asUser(pool, student, (c) => c.query(statement)));
    t.equal(error.code, '42501', `${statement}: permission denied`);
  }
});

t.test('no function lets a caller lock or read a booking that is not theirs', async (t) => {
  const victim = await createUser(pool, 'student', { phone: '+44 7700 900111' });
  const tutor = await createUser(pool, 'tutor');
  const attacker = await createUser(pool, 'student');
  const booking = await requestBooking(pool, victim, tutor, { subject: 'Private matter' });
  await acceptBooking(pool, tutor, booking.id);
  const { email } = (
    await pool.query('select email from app_public.users where id = $1', [victim.id])
  ).rows[0];
  const eventIds = (
    await pool.query('select id from app_public.booking_events where booking_id = $1', [booking.id])
  ).rows.map((r) => String(r.id));

  // The old helper took the caller's identity as an argument; it is gone, and its replacement
  // is out of the request role's reach.
  const forged = await sqlError(
    asUser(pool, attacker, (c) =>
      c.query(
        `select * from app_hidden.visible_booking_for_update($1,
           (select u from app_public.users u where u.id = $2))`,
        [booking.id, victim.id],
      ),
    ),
  );
  t.match(forged.code, /^(42883|42501)$/, 'visible_booking_for_update(id, me) is no more');
  const internal = await sqlError(
    asUser(pool, attacker, (c) =>
      c.query('select * from app_private.visible_booking_for_update($1)', [booking.id]),
    ),
  );
  t.equal(internal.code, '42501', 'the one that finds the caller itself is internal');

  // Every app_hidden function the role may execute, called with every id of the victim's: none
  // returns anything of the victim's, and none leaves the booking locked.
  const { rows: functions } = await pool.query<{ fn: string; args: string[] }>(
    `select p.oid::regprocedure::text as fn,
            array(select format_type(t, null) from unnest(p.proargtypes::oid[]) t) as args
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'app_hidden' and has_function_privilege('schoolbell_visitor', p.oid, 'EXECUTE')`,
  );
  const candidates: Record<string, string[]> = {
    uuid: [booking.id, victim.id, tutor.id],
    bigint: eventIds,
    'bigint[]': [`{${eventIds.join(',')}}`],
    'app_public.job_outcome': ['failed'],
    'timestamp with time zone': [new Date().toISOString()],
    text: ['x'],
  };
  const secrets = [email, '+44 7700 900111', 'Private matter', victim.id, booking.id];
  await inTransaction(pool, async (client) => {
    await client.query('set local role schoolbell_visitor');
    await client.query(
      "select set_config('jwt.claims.sub', $1, true), set_config('jwt.claims.role', 'student', true)",
      [attacker.id],
    );
    for (const { fn, args } of functions) {
      const name = fn.slice(0, fn.indexOf('('));
      const lists = args.map((type) => candidates[type] ?? []);
      t.ok(
        lists.every((list) => list.length > 0),
        `${fn}: the test knows how to call it`,
      );
      const calls = lists.reduce<string[][]>(
        (all, list) => all.flatMap((prefix) => list.map((value) => [...prefix, value])),
        [[]],
      );
      // An admin's function refuses the attacker outright (DENYD): it was reached, and said nothing.
      let answered = 0;
      let denied = 0;
      for (const values of calls) {
        const placeholders = values.map((_, i) => `$${i + 1}::${args[i]}`).join(', ');
        await client.query('savepoint probe');
        try {
          const { rows } = await client.query(`select ${name}(${placeholders})::text as r`, values);
          const result = String(rows[0]?.r ?? '');
          answered++;
          t.notOk(
            secrets.some((secret) => result.includes(secret)),
            `${name}(${values.join(', ')}) reveals nothing of the victim's`,
          );
        } catch (error) {
          // Refusing is fine too.
          if ((error as { code?: string }).code === 'DENYD') denied++;
        }
        await client.query('rollback to savepoint probe');
      }
      t.ok(answered > 0 || denied === calls.length, `${name} was called and answered, or refused`);
    }
    // Still inside the attacker's transaction: the booking is not locked by it.
    const other = await pool.connect();
    try {
      await other.query('begin');
      const { rows } = await other.query(
        'select id from app_public.bookings where id = $1 for update nowait',
        [booking.id],
      );
      t.equal(rows.length, 1, 'the booking is not locked by anything the attacker called');
      await other.query('rollback');
    } finally {
      other.release();
    }
  });

  // And the mutations refuse it as not found.
  for (const [mutation, args] of [
    ['accept_booking', [booking.id]],
    ['decline_booking', [booking.id, null]],
    ['cancel_booking', [booking.id, null]],
    [
      'reschedule_booking',
      [booking.id, new Date(Date.now() + 86_400_000), new Date(Date.now() + 90_000_000)],
    ],
  ] as const) {
    const placeholders = args.map((_, i) => `$${i + 1}`).join(', ');
    const error = await sqlError(
      asUser(pool, attacker, (c) =>
        c.query(`select * from app_public.${mutation}(${placeholders})`, [...args]),
      ),
    );
    t.equal(error.code, 'NTFND', `${mutation} on another's booking: NTFND`);
  }
});
