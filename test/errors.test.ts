// Errors a client can branch on, and GraphQL over GET: against a real `schoolbell server`, every
// refusal (HTTP-level ones included) carries extensions.code, and each answer says who may cache it.
import { SignJWT } from 'jose';
import t from 'tap';
import { signToken } from '../src/http/auth.ts';
import { createTestPool } from '../support/database.ts';
import { createUser } from '../support/factories.ts';
import { serve } from '../support/processes.ts';

const SECRET = 'errors-test-secret-that-is-long-enough-0123';
const { pool, ...db } = await createTestPool(t, 2);
const server = await serve(t, 'server', { DATABASE_URL: db.url, JWT_SECRET: SECRET });
const student = await createUser(pool, 'student', { name: 'Sam' });
const token = await signToken(student, SECRET, 600);

const JSON_TYPES = { 'content-type': 'application/json', accept: 'application/json' };

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: unknown } }> };
}

/** send makes one request to /graphql (query string `search` for GET) and parses the JSON. */
async function send(init: RequestInit, search = ''): Promise<Answer> {
  const response = await fetch(`${server.base}/graphql${search}`, init);
  const text = await response.text();
  let body: Answer['body'];
  try {
    body = JSON.parse(text) as Answer['body'];
  } catch {
    throw new Error(`expected JSON, got ${response.status}: ${text}`);
  }
  return { status: response.status, headers: response.headers, body };
}

const post = (body: string, headers: Record<string, string> = {}) =>
  send({ method: 'POST', headers: { ...JSON_TYPES, ...headers }, body });
const get = (query: string, headers: Record<string, string> = {}) =>
  send(
    { method: 'GET', headers: { accept: 'application/json', ...headers } },
    `?${new URLSearchParams({ query })}`,
  );

/** codeOf returns the code of a response's one error, failing loudly when it has none. */
function codeOf(answer: Answer): unknown {
  if (answer.body.errors?.length !== 1) {
    throw new Error(`expected one error, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return answer.body.errors[0]?.extensions?.code;
}

t.test('queries over GET, mutations over POST only; caching by who asks', async (t) => {
  const anonymous = await get('{ __typename }');
  t.equal(anonymous.status, 200);
  t.same(anonymous.body, { data: { __typename: 'Query' } });
  t.equal(anonymous.headers.get('cache-control'), 'public, max-age=5', 'a CDN may keep it briefly');
  t.match(anonymous.headers.get('vary'), /Authorization/, 'but not serve it to a signed-in caller');

  const signedIn = await get('{ currentUser { name } }', { authorization: `Bearer ${token}` });
  t.same(signedIn.body, { data: { currentUser: { name: 'Sam' } } });
  t.equal(signedIn.headers.get('cache-control'), 'private, no-store');

  const posted = await post(JSON.stringify({ query: '{ __typename }' }));
  t.same(posted.body, { data: { __typename: 'Query' } });
  t.equal(posted.headers.get('cache-control'), 'no-store');

  const mutation = await get('mutation { __typename }');
  t.equal(mutation.status, 405, 'a mutation over GET is refused');
  t.equal(codeOf(mutation), 'METHD');
  t.equal(mutation.headers.get('cache-control'), 'no-store', 'and the refusal is not cached');

  const put = await send({ method: 'PUT', headers: JSON_TYPES, body: '{}' });
  t.equal(put.status, 405);
  t.equal(codeOf(put), 'METHD');
});

t.test('each token problem is a 401 with its own code', async (t) => {
  const now = Math.floor(Date.now() / 1000);
  const sign = (claims: Record<string, unknown>, secret = SECRET, exp = now + 600, iat = now) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(student.id)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(secret));
  const cases: Array<[string, string, string]> = [
    ['not a bearer header', `Basic ${btoa('sam:secret')}`, 'AUTHH'],
    ['not a JWT', 'Bearer abc.def', 'TOKMF'],
    [
      'a forged signature',
      `Bearer ${await sign({ role: 'admin' }, 'another-secret-that-is-long-enough-0123456789')}`,
      'TOKSG',
    ],
    [
      'an expired token',
      `Bearer ${await sign({ role: 'student' }, SECRET, now - 60, now - 120)}`,
      'TOKEX',
    ],
    ['a role that does not exist', `Bearer ${await sign({ role: 'janitor' })}`, 'TOKCL'],
  ];
  for (const [what, authorization, code] of cases) {
    for (const answer of [
      await post(JSON.stringify({ query: '{ __typename }' }), { authorization }),
      await get('{ __typename }', { authorization }),
    ]) {
      t.equal(answer.status, 401, `${what}: 401`);
      t.equal(codeOf(answer), code, `${what}: ${code}`);
      t.equal(answer.headers.get('cache-control'), 'no-store', `${what}: not cached`);
    }
  }
});

t.test('HTTP-level refusals carry a code', async (t) => {
  const tooLarge = await post(JSON.stringify({ query: `{ __typename } # ${'x'.repeat(200_000)}` }));
  t.equal(tooLarge.status, 413);
  t.equal(codeOf(tooLarge), 'LARGE');

  const media = await send({
    method: 'POST',
    headers: { 'content-type': 'text/plain', accept: 'application/json' },
    body: '{ __typename }',
  });
  t.equal(media.status, 415);
  t.equal(codeOf(media), 'MEDIA');

  const badJson = await post('{"query": ');
  t.equal(badJson.status, 400);
  t.equal(codeOf(badJson), 'BADJS');

  const noQuery = await post(JSON.stringify({ operationName: 'Welcome' }));
  t.equal(noQuery.status, 400);
  t.equal(codeOf(noQuery), 'BADRQ');

  const accept = await post(JSON.stringify({ query: '{ __typename }' }), { accept: 'text/csv' });
  t.equal(accept.status, 406);
  t.equal(codeOf(accept), 'ACCPT');
});

t.test('documents that are not valid operations get validation codes', async (t) => {
  const subscription = await post(JSON.stringify({ query: 'subscription { __typename }' }));
  t.equal(codeOf(subscription), 'VALID', 'a subscription over HTTP is a validation error');
  t.match(subscription.body.errors?.[0]?.message, /subscriptions are served over WebSocket/);
  t.notMatch(subscription.body.errors?.[0]?.message, /An error occurred/, 'not a masked error');

  const syntax = await post(JSON.stringify({ query: 'query { __typename' }));
  t.equal(codeOf(syntax), 'SYNTX');

  const unknownOperationType = await post(JSON.stringify({ query: 'fetch { __typename }' }));
  t.equal(codeOf(unknownOperationType), 'SYNTX', 'an unknown operation type does not parse');

  const unknownField = await post(JSON.stringify({ query: '{ noSuchField }' }));
  t.equal(codeOf(unknownField), 'VALID');
});

t.test('an argument refused at run time is BADIN, not an internal error', async (t) => {
  const cursor = await post(
    JSON.stringify({ query: '{ bookings(first: 1, after: "not-a-cursor") { totalCount } }' }),
    { authorization: `Bearer ${token}` },
  );
  t.equal(codeOf(cursor), 'BADIN');
  t.match(cursor.body.errors?.[0]?.message, /Invalid cursor/);
});
