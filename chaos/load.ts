// The chaos run's load: students book sessions a minute or two ahead through the GraphQL API of
// either server, tutors accept most of them, and some are rescheduled or cancelled, while the
// faults go on. What happened to each booking is asked of the database at the end, not kept here.
import type pg from 'pg';
import { signToken } from '../src/http/auth.ts';
import { createUser, type User } from '../support/factories.ts';
import { bearer, type GraphqlBody, postGraphql } from '../support/graphql.ts';

const REQUEST = `mutation ($tutorId: UUID!, $startsAt: Datetime!, $endsAt: Datetime!) {
  requestBooking(input: { tutorId: $tutorId, startsAt: $startsAt, endsAt: $endsAt, subject: "Chaos" }) { booking { id } }
}`;
const ACCEPT =
  'mutation ($id: UUID!) { acceptBooking(input: { bookingId: $id }) { booking { id } } }';
const RESCHEDULE = `mutation ($id: UUID!, $startsAt: Datetime!, $endsAt: Datetime!) {
  rescheduleBooking(input: { bookingId: $id, startsAt: $startsAt, endsAt: $endsAt }) { booking { id } }
}`;
const CANCEL =
  'mutation ($id: UUID!) { cancelBooking(input: { bookingId: $id, reason: "chaos" }) { booking { id } } }';

/** LoadTimes are the session times the load books, in seconds from now. */
export interface LoadTimes {
  /** startsIn is the range a session's start is drawn from. */
  readonly startsIn: readonly [number, number];
  /** length is how long a session lasts. */
  readonly length: number;
}

/** Mutation counts what the load asked of the API, by outcome. */
export interface MutationCounts {
  ok: number;
  /** refused: the API said no (a tutor already busy, a booking moved on meanwhile). */
  refused: number;
  /** refusedWith counts the refusals by error code. */
  refusedWith: Record<string, number>;
  /** failed: no answer from either server (both down, or the database away). */
  failed: number;
}

/** Load is a running load generator. */
export interface Load {
  /** stop stops starting new bookings and waits for those under way. */
  stop(): Promise<void>;
  readonly counts: Record<'request' | 'accept' | 'reschedule' | 'cancel', MutationCounts>;
}

/** Random is a source of numbers in [0, 1). */
export type Random = () => number;

/**
 * startLoad starts one booking's story every `everyMs`: a student requests a session with a
 * random tutor; four in five are accepted a few seconds later (the rest expire); of those, one
 * in five is rescheduled and one in ten cancelled before it starts.
 */
export async function startLoad(options: {
  pool: pg.Pool;
  servers: readonly string[];
  secret: string;
  everyMs: number;
  times: LoadTimes;
  random: Random;
}): Promise<Load> {
  const { pool, servers, random, times } = options;
  const students: User[] = [];
  const tutors: User[] = [];
  for (let i = 0; i < 30; i++) {
    students.push(await createUser(pool, 'student'));
    tutors.push(await createUser(pool, 'tutor'));
  }
  const tokens = new Map<string, string>();
  for (const user of [...students, ...tutors])
    tokens.set(user.id, await signToken(user, options.secret, 24 * 3600));

  const counts: Load['counts'] = {
    request: { ok: 0, refused: 0, failed: 0, refusedWith: {} },
    accept: { ok: 0, refused: 0, failed: 0, refusedWith: {} },
    reschedule: { ok: 0, refused: 0, failed: 0, refusedWith: {} },
    cancel: { ok: 0, refused: 0, failed: 0, refusedWith: {} },
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const between = (low: number, high: number) => low + random() * (high - low);
  const pause = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const session = () => {
    const startsAt = Date.now() + between(...times.startsIn) * 1000;
    return {
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(startsAt + times.length * 1000).toISOString(),
    };
  };

  // A client tries the other server when one does not answer, for up to half a minute, as a
  // load balancer in front of both would.
  let turn = 0;
  const call = async (
    kind: keyof Load['counts'],
    user: User,
    query: string,
    variables: Record<string, unknown>,
  ): Promise<Record<string, unknown> | undefined> => {
    const until = Date.now() + 30_000;
    for (;;) {
      const server = servers[turn++ % servers.length] as string;
      let body: GraphqlBody | undefined;
      try {
        const answer = await postGraphql(
          server,
          query,
          variables,
          bearer(tokens.get(user.id) as string),
        );
        if (answer.status < 500 || answer.body.data) body = answer.body;
      } catch {}
      if (body?.data && !body.errors) {
        counts[kind].ok++;
        return body.data;
      }
      // A domain refusal is an answer: the request reached the database and was turned down.
      const code = String(body?.errors?.[0]?.extensions?.code);
      if (/^[A-Z]{5}$/.test(code) && code !== 'INTRN') {
        counts[kind].refused++;
        counts[kind].refusedWith[code] = (counts[kind].refusedWith[code] ?? 0) + 1;
        return undefined;
      }
      if (Date.now() > until) {
        counts[kind].failed++;
        return undefined;
      }
      await pause(0.5);
    }
  };

  const story = async () => {
    const student = pick(students);
    const tutor = pick(tutors);
    const made = await call('request', student, REQUEST, { tutorId: tutor.id, ...session() });
    const id = (made?.requestBooking as { booking?: { id: string } } | undefined)?.booking?.id;
    if (!id) return;
    await pause(between(1, 10));
    if (random() >= 0.8) return;
    if (!(await call('accept', tutor, ACCEPT, { id }))) return;
    const next = random();
    if (next < 0.2) {
      await pause(between(1, 20));
      await call('reschedule', student, RESCHEDULE, { id, ...session() });
    } else if (next < 0.3) {
      await pause(between(1, 20));
      await call('cancel', pick([student, tutor]), CANCEL, { id });
    }
  };

  const running = new Set<Promise<void>>();
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped) return;
    const promise: Promise<void> = story()
      .catch(() => {})
      .finally(() => running.delete(promise));
    running.add(promise);
  }, options.everyMs);

  return {
    counts,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.all(running);
    },
  };
}
