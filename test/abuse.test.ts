// Hostile and careless callers against a real production-mode `schoolbell server`: each attack
// is refused (or bounded) with a code, and health checks and ordinary queries keep answering.
import t, { type Test } from 'tap';
import { signToken } from '../src/http/auth.ts';
import { createTestPool } from '../support/database.ts';
import { createUser, importBooking, type User } from '../support/factories.ts';
import { dataOf, type GraphqlBody, graphqlClient } from '../support/graphql.ts';
import { serve } from '../support/processes.ts';

const SECRET = 'abuse-test-secret-that-is-long-enough-0123456789';

const { pool, ...db } = await createTestPool(t, 4);

// A student with 50 bookings with one tutor: enough for nested back-relations to multiply.
const student = await createUser(pool, 'student', { name: 'Sam' });
const tutor = await createUser(pool, 'tutor', { name: 'Tomás' });
const other = await createUser(pool, 'student', { name: 'Sora' });
for (let i = 0; i < 50; i++) {
  await importBooking(pool, student, tutor, {
    state: 'scheduled',
    startsAt: new Date(Date.now() + (i + 1) * 86_400_000),
    endsAt: new Date(Date.now() + (i + 1) * 86_400_000 + 3_600_000),
  });
}

const server = await serve(t, 'server', {
  DATABASE_URL: db.url,
  NODE_ENV: 'production',
  JWT_SECRET: SECRET,
  OPS_PORT: '0',
  GRAPHQL_DEFAULT_PAGE_SIZE: '20',
  GRAPHQL_STATEMENT_TIMEOUT: '1 second',
});
const ops = /"url":"(http:\/\/[^"]+)","msg":"health and metrics listening"/.exec(
  server.output(),
)?.[1];
if (!ops) throw new Error(`no ops URL in the log:\n${server.output()}`);

const bearer = async (user: User | null): Promise<Record<string, string>> =>
  user ? { authorization: `Bearer ${await signToken(user, SECRET, 600)}` } : {};
const gql = graphqlClient(server.base, SECRET);

/** codes lists a response's extensions.code values, failing loudly when it has data instead. */
function codes(body: GraphqlBody): unknown[] {
  if (!body.errors?.length) throw new Error(`expected errors, got ${JSON.stringify(body)}`);
  return body.errors.map((error) => error.extensions?.code);
}

/** nodesOf counts the bookings a response lists. */
const nodesOf = (body: GraphqlBody) => (dataOf(body).bookings as { nodes: unknown[] }).nodes.length;

const NORMAL = '{ bookings(first: 10) { totalCount nodes { id state startsAt tutor { name } } } }';

/**
 * underAttack runs the attack several times at once and, while it is in flight, a health check
 * and a normal query; it returns the attacks' responses after asserting the others succeeded.
 */
async function underAttack(t: Test, attack: () => ReturnType<typeof gql>, copies = 4) {
  const attacks = Array.from({ length: copies }, attack);
  const [health, normal] = await Promise.all([fetch(`${ops}/healthz`), gql(student, NORMAL)]);
  t.equal(health.status, 200, '/healthz answers while the attack is in flight');
  t.match(
    normal.body,
    { data: { bookings: { totalCount: 50, nodes: Array } } },
    'a normal bookings query answers while the attack is in flight',
  );
  return Promise.all(attacks);
}

t.test(
  'the alias flood: 1,500 aliased bookings(offset: N) is refused before any SQL',
  async (t) => {
    const fields = Array.from(
      { length: 1500 },
      (_, i) => `b${i}: bookings(offset: ${i}) { totalCount nodes { id } }`,
    );
    const flood = `{ ${fields.join(' ')} }`;
    t.ok(
      flood.length > 70_000 && flood.length < 100_000,
      'a body as large as the one seen in production',
    );
    const answers = await underAttack(t, () => gql(null, flood));
    for (const { body } of answers) {
      t.same(codes(body).sort(), ['ALIAS', 'ROOTS'], 'anonymous: too many aliases and root fields');
      t.notOk(body.data, 'nothing was run');
    }
    const messages = answers[0]?.body.errors?.map((error) => error.message).join('\n');
    t.match(messages, /uses 1,500 aliases; GRAPHQL_MAX_ALIASES allows 15/);
    t.match(messages, /asks for 1,500 root fields; GRAPHQL_MAX_ROOT_FIELDS allows 10/);
    const signedIn = await gql(student, flood);
    t.same(codes(signedIn.body).sort(), ['ALIAS', 'ROOTS'], 'signed in: the same');
  },
);

t.test('nested back-relations multiply: refused by cost, and by depth', async (t) => {
  // Nine deep, within GRAPHQL_MAX_DEPTH, and pages within GRAPHQL_MAX_PAGE_SIZE, but three
  // nested connections of 100 rows each: a million rows.
  const nested = `{ bookings(first: 100) { nodes { tutor { bookingsAsTutor(first: 100) { nodes { student {
    bookingsAsStudent(first: 100) { nodes { id subject startsAt endsAt } } } } } } } } }`;
  const [answer] = await underAttack(t, () => gql(student, nested));
  t.same(codes(answer?.body ?? {}), ['COSTS']);
  t.match(
    answer?.body.errors?.[0]?.message,
    /may resolve [\d,]+ fields .*GRAPHQL_MAX_COST allows 50,000/,
  );

  let deep = 'id';
  for (let i = 0; i < 12; i++) {
    deep = `${i % 2 ? 'student' : 'tutor'} { ${i % 2 ? 'bookingsAsStudent' : 'bookingsAsTutor'}(first: 1) { nodes { ${deep} } } }`;
  }
  const [deepAnswer] = await underAttack(t, () =>
    gql(student, `{ bookings(first: 1) { nodes { ${deep} } } }`),
  );
  t.ok(codes(deepAnswer?.body ?? {}).includes('DEPTH'), 'first: 1 everywhere, but 39 deep');
  t.match(
    deepAnswer?.body.errors?.[0]?.message,
    /nests fields 39 deep; GRAPHQL_MAX_DEPTH allows 10/,
  );

  const allowed = await gql(
    student,
    '{ bookings(first: 5) { nodes { tutor { bookingsAsTutor(first: 5) { totalCount nodes { id } } } } } }',
  );
  t.match(
    allowed.body,
    { data: { bookings: { nodes: [{ tutor: { bookingsAsTutor: { totalCount: 50 } } }] } } },
    'one level of back-relation with small pages is fine',
  );
});

t.test(
  'page sizes: huge first, last and offset are refused; no first means the default',
  async (t) => {
    const huge = await underAttack(t, () =>
      gql(null, '{ bookings(first: 2147483647) { totalCount nodes { id } } }'),
    );
    t.same(codes(huge[0]?.body ?? {}), ['PAGES']);
    t.match(
      huge[0]?.body.errors?.[0]?.message,
      /first: 2147483647 is more than GRAPHQL_MAX_PAGE_SIZE \(1000\)/,
    );
    for (const args of ['last: 2147483647', 'offset: 2147483647', 'first: -1']) {
      const { body } = await gql(student, `{ bookings(${args}) { nodes { id } } }`);
      t.same(codes(body), ['PAGES'], `${args} refused`);
    }
    // Through variables the check happens when the operation runs, still before any SQL.
    const viaVariables = await gql(
      student,
      'query ($n: Int, $o: Int) { bookings(first: $n, offset: $o) { nodes { id } } }',
      { n: 2147483647, o: 0 },
    );
    t.same(codes(viaVariables.body), ['PAGES']);
    t.match(
      viaVariables.body.errors?.[0]?.message,
      /first: 2147483647 is more than GRAPHQL_MAX_PAGE_SIZE/,
    );
    const offsetVariable = await gql(
      student,
      'query ($o: Int) { bookings(offset: $o) { nodes { id } } }',
      {
        o: 2147483647,
      },
    );
    t.match(offsetVariable.body.errors?.[0], {
      message: /offset: 2147483647 is more than GRAPHQL_MAX_OFFSET \(10000\)/,
      extensions: { code: 'PAGES' },
    });

    const unpaged = await gql(
      student,
      '{ bookings { totalCount nodes { id } pageInfo { hasNextPage } } }',
    );
    t.match(unpaged.body, {
      data: { bookings: { totalCount: 50, pageInfo: { hasNextPage: true } } },
    });
    t.equal(nodesOf(unpaged.body), 20, 'no first or last: GRAPHQL_DEFAULT_PAGE_SIZE rows');
    const last = await gql(
      student,
      '{ bookings(last: 3, orderBy: STARTS_AT_ASC) { nodes { id } } }',
    );
    t.equal(nodesOf(last.body), 3, 'last alone still works');
    const all = await gql(student, 'query ($n: Int) { bookings(first: $n) { nodes { id } } }', {
      n: 50,
    });
    t.equal(nodesOf(all.body), 50, 'first up to the maximum');
  },
);

t.test('fragments do not hide depth or aliases', async (t) => {
  // Four aliases in a fragment, spread under five aliased fields: 5 + 5 × 4 = 25 aliases.
  const aliases = `fragment F on BookingConnection { a: totalCount b: totalCount c: totalCount d: totalCount }
    { v: bookings(first: 1) { ...F } w: bookings(first: 1) { ...F } x: bookings(first: 1) { ...F }
      y: bookings(first: 1) { ...F } z: bookings(first: 1) { ...F } }`;
  const [answer] = await underAttack(t, () => gql(null, aliases));
  t.same(codes(answer?.body ?? {}), ['ALIAS']);
  t.match(answer?.body.errors?.[0]?.message, /uses 25 aliases/);

  // Depth spread over a chain of fragments, and over inline fragments.
  const chain = `query { bookings(first: 1) { ...A } }
    fragment A on BookingConnection { nodes { tutor { ...B } } }
    fragment B on User { bookingsAsTutor(first: 1) { nodes { student { ...C } } } }
    fragment C on User { bookingsAsStudent(first: 1) { nodes { ... on Booking { tutor { bookingsAsTutor(first: 1) { totalCount } } } } } }`;
  const [deep] = await underAttack(t, () => gql(student, chain));
  t.same(codes(deep?.body ?? {}), ['DEPTH']);
  t.match(deep?.body.errors?.[0]?.message, /nests fields 11 deep/);

  // Root fields hidden in fragments count as root fields.
  const roots = `{ ...R ...S } fragment R on Query { a: currentUser { id } b: currentUser { id } c: currentUser { id }
    d: currentUser { id } e: currentUser { id } f: currentUser { id } }
    fragment S on Query { g: currentUser { id } h: currentUser { id } i: currentUser { id }
    j: currentUser { id } k: currentUser { id } }`;
  t.same(codes((await gql(student, roots)).body), ['ROOTS']);
});

t.test('production: no introspection and no suggestions, for anyone', async (t) => {
  for (const user of [null, student]) {
    const who = user ? 'signed in' : 'anonymous';
    const schema = await gql(user, '{ __schema { types { name } } }');
    t.same([...new Set(codes(schema.body))], ['INTRO'], `${who}: __schema refused`);
    t.match(schema.body.errors?.[0]?.message, /introspection has been disabled/);
    const type = await gql(user, '{ __type(name: "Booking") { fields { name } } }');
    t.same([...new Set(codes(type.body))], ['INTRO'], `${who}: __type refused`);
    const typo = await gql(user, '{ bookingz { totalCount } }');
    t.match(typo.body.errors?.[0]?.message, /Cannot query field "bookingz" on type "Query"/);
    t.notMatch(JSON.stringify(typo.body), /Did you mean|"bookings"/, `${who}: no suggestion`);
    const argument = await gql(user, '{ bookings(frist: 1) { totalCount } }');
    t.notMatch(
      JSON.stringify(argument.body),
      /Did you mean|first/,
      `${who}: no argument suggestion`,
    );
    const enumValue = await gql(
      user,
      'query ($s: [BookingState!]) { bookings(condition: { states: $s }) { totalCount } }',
      { s: ['schedule'] },
    );
    t.ok(enumValue.body.errors?.length, `${who}: a bad enum value is an error`);
    t.notMatch(JSON.stringify(enumValue.body), /Did you mean/, `${who}: no enum suggestion`);
  }
  const typename = await gql(null, '{ __typename }');
  t.same(typename.body.data, { __typename: 'Query' }, '__typename is not introspection');
});

t.test('a statement stuck longer than GRAPHQL_STATEMENT_TIMEOUT is cancelled', async (t) => {
  // Another session holds the bookings table; without a timeout the query would wait forever.
  const blocker = await pool.connect();
  try {
    await blocker.query('begin');
    await blocker.query('lock table app_public.bookings in access exclusive mode');
    const { body } = await gql(student, NORMAL);
    t.same(codes(body), ['57014']);
    t.match(
      body.errors?.[0]?.message,
      /the query ran longer than GRAPHQL_STATEMENT_TIMEOUT \(1 second\) and was cancelled/,
    );
  } finally {
    await blocker.query('rollback');
    blocker.release();
  }
  t.match((await gql(student, NORMAL)).body, { data: { bookings: { totalCount: 50 } } });
});

t.test('expensive operations take turns; one that waits too long is told BUSY', async (t) => {
  // Cost 1,202: over HEAVY_COST, so these run one at a time. The first holds its turn until
  // the table lock makes it time out (1 s), the second then holds it for another second; the
  // third has waited GRAPHQL_STATEMENT_TIMEOUT by then and is turned away.
  const expensive = '{ bookings(first: 300) { nodes { id state subject startsAt } } }';
  const blocker = await pool.connect();
  try {
    await blocker.query('begin');
    await blocker.query('lock table app_public.bookings in access exclusive mode');
    const pending = Promise.all([1, 2, 3].map(() => gql(student, expensive)));
    let settled = false;
    void pending.then(() => {
      settled = true;
    });
    // Cheap operations do not queue behind them (this one needs no table).
    const cheap = await gql(student, '{ __typename }');
    t.same(cheap.body.data, { __typename: 'Query' });
    t.notOk(settled, 'a cheap operation answers while the expensive ones wait');
    const answers = await pending;
    const seen = answers.flatMap(({ body }) => codes(body));
    t.ok(seen.includes('57014'), `the first ran, and timed out (${seen})`);
    t.ok(seen.includes('BUSY'), `a later one was turned away (${seen})`);
    const busy = answers.find(({ body }) => codes(body).includes('BUSY'));
    t.match(
      busy?.body.errors?.[0]?.message,
      /busy with expensive operations: this one \(cost 1202, more than 1000\) waited 1 second/,
    );
  } finally {
    await blocker.query('rollback');
    blocker.release();
  }
  t.match((await gql(student, expensive)).body, { data: { bookings: { nodes: Array } } });
});

t.test('OPS_PORT: health, readiness and metrics only on the ops address', async (t) => {
  for (const path of ['/healthz', '/readyz', '/metrics']) {
    t.equal((await fetch(`${server.base}${path}`)).status, 404, `public ${path}: 404`);
    t.equal((await fetch(`${ops}${path}`)).status, 200, `ops ${path}: 200`);
  }
  t.match(await (await fetch(`${ops}/metrics`)).text(), /schoolbell_graphql_requests_total/);
  const onOps = await fetch(`${ops}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  t.equal(onOps.status, 404, 'the ops address serves no API');
  t.equal((await fetch(`${server.base}/admin`)).status, 200, 'the admin page stays public');
});

t.test("the admin page serves its own files, graphql-ws's client, and nothing else", async (t) => {
  // fetch() resolves '..' (and '%2e%2e') before sending; node:http sends the path as written.
  const { request } = await import('node:http');
  const get = (path: string) =>
    new Promise<{ status: number; type: string }>((resolve, reject) => {
      request(`${server.base}${path}`, { path }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']) });
      })
        .on('error', reject)
        .end();
    });
  t.match(await get('/admin/style.css'), { status: 200, type: /^text\/css/ });
  t.match(await get('/favicon.ico'), { status: 200, type: 'image/x-icon' });
  // graphql-ws's browser client, from the installed package: its .js files and nothing else.
  t.match(await get('/admin/vendor/graphql-ws/client.js'), {
    status: 200,
    type: /^text\/javascript/,
  });
  for (const path of [
    '/admin/../package.json',
    '/admin/%2e%2e/package.json',
    '/admin/..%2fpackage.json',
    '/admin/.hidden.js',
    '/admin/nothing-here.js',
    '/admin/index.html.bak',
    '/admin/vendor/graphql-ws/../package.json',
    '/admin/vendor/graphql-ws/%2e%2e%2fpackage.json',
    '/admin/vendor/graphql-ws/client.d.ts',
    '/admin/vendor/graphql-ws/use/ws.js',
    '/admin/vendor/ws/index.js',
  ]) {
    t.equal((await get(path)).status, 404, `${path}: 404`);
  }
});

t.test(
  'GRAPHQL_RATE_LIMIT: 429 with Retry-After, per user and per address, billed by cost',
  async (t) => {
    const limited = await serve(t, 'server', {
      DATABASE_URL: db.url,
      NODE_ENV: 'production',
      JWT_SECRET: SECRET,
      GRAPHQL_RATE_LIMIT: '5/minute',
    });
    const send = async (user: User | null) =>
      fetch(`${limited.base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await bearer(user)) },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
    for (let i = 0; i < 5; i++) t.equal((await send(student)).status, 200, `request ${i + 1} of 5`);
    const refused = await send(student);
    t.equal(refused.status, 429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    t.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After is in seconds (${retryAfter})`);
    t.match(await refused.json(), {
      errors: [
        {
          message:
            /too many requests: GRAPHQL_RATE_LIMIT allows 5\/minute per caller; try again in \d+ s/,
          extensions: { code: 'RATED' },
        },
      ],
    });
    t.equal((await send(other)).status, 200, 'another user has a budget of their own');

    // An operation is billed by its cost: 4,002 (1,000 rows of four fields) counts as five.
    const heavy = await createUser(pool, 'student');
    const expensive = await fetch(`${limited.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await bearer(heavy)) },
      body: JSON.stringify({
        query: '{ bookings(first: 1000) { nodes { id state subject startsAt } } }',
      }),
    });
    t.equal(expensive.status, 200, 'an expensive operation is allowed');
    t.equal((await send(heavy)).status, 429, 'but it spent the whole budget of five');

    for (let i = 0; i < 5; i++) t.equal((await send(null)).status, 200, `anonymous ${i + 1} of 5`);
    t.equal((await send(null)).status, 429, 'anonymous callers are counted by address');
    t.equal((await fetch(`${limited.base}/healthz`)).status, 200, 'health checks are not counted');
    t.match(
      await (await fetch(`${limited.base}/metrics`)).text(),
      /status="429"/,
      'without OPS_PORT, everything is on PORT',
    );
  },
);
