// Bearer tokens at their edges: lifetimes past TOKEN_MAX_TTL, issue times in the future, and
// `schoolbell token --ttl`. Tokens are signed here with jose, as any issuer would sign them.
import { decodeJwt, SignJWT } from 'jose';
import t from 'tap';
import { createTestPool } from '../support/database.ts';
import { createUser } from '../support/factories.ts';
import { postGraphql } from '../support/graphql.ts';
import { runCli, serve } from '../support/processes.ts';

const SECRET = 'tokens-test-secret-that-is-long-enough-0123';
const { pool, ...db } = await createTestPool(t, 2);
const server = await serve(t, 'server', { DATABASE_URL: db.url, JWT_SECRET: SECRET });
const student = await createUser(pool, 'student', { name: 'Sam' });

const now = () => Math.floor(Date.now() / 1000);
const HOUR = 3600;

/** sign makes a token for the student with the given iat and exp (seconds since 1970). */
function sign(claims: { iat?: number; exp: number }): Promise<string> {
  const jwt = new SignJWT({ role: 'student' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(student.id)
    .setExpirationTime(claims.exp);
  if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
  return jwt.sign(new TextEncoder().encode(SECRET));
}

async function ask(token: string) {
  return postGraphql(
    server.base,
    '{ currentUser { name } }',
    {},
    { authorization: `Bearer ${token}` },
  );
}

t.test('a token may live at most TOKEN_MAX_TTL (24 hours by default)', async (t) => {
  const refused: Array<[string, { iat?: number; exp: number }, RegExp]> = [
    [
      'exp in the year 2286',
      { iat: now(), exp: Date.UTC(2286, 0, 1) / 1000 },
      /token is valid for too long: exp - iat must be at most 24 hours/,
    ],
    ['a day and a minute', { iat: now(), exp: now() + 24 * HOUR + 60 }, /valid for too long/],
    ['issued in 1970', { iat: 0, exp: now() + HOUR }, /valid for too long/],
    [
      'issued an hour from now',
      { iat: now() + HOUR, exp: now() + 2 * HOUR },
      /token is issued in the future/,
    ],
    ['no iat', { exp: now() + HOUR }, /missing required "iat" claim/],
  ];
  for (const [what, claims, message] of refused) {
    const response = await ask(await sign(claims));
    t.equal(response.status, 401, `${what}: HTTP 401`);
    t.match(response.body.errors?.[0]?.message, message, what);
  }

  const accepted: Array<[string, { iat: number; exp: number }]> = [
    ['exactly 24 hours', { iat: now(), exp: now() + 24 * HOUR }],
    ['issued 30 s ahead of our clock', { iat: now() + 30, exp: now() + HOUR }],
  ];
  for (const [what, claims] of accepted) {
    const response = await ask(await sign(claims));
    t.same(response.body, { data: { currentUser: { name: 'Sam' } } }, what);
  }
});

t.test('schoolbell token --ttl is bounded by TOKEN_MAX_TTL', async (t) => {
  const env = { DATABASE_URL: db.url, JWT_SECRET: SECRET };
  const tooLong = runCli(t, ['token', '--user', student.id, '--ttl', '25 hours'], env);
  t.equal(await tooLong.exited, 64, 'a usage error (EX_USAGE)');
  t.match(tooLong.output(), /--ttl must be at most TOKEN_MAX_TTL \(24 hours\)/);

  const shorter = { ...env, TOKEN_MAX_TTL: '1 hour' };
  const refused = runCli(t, ['token', '--user', student.id, '--ttl', '2 hours'], shorter);
  t.equal(await refused.exited, 64);
  t.match(refused.output(), /--ttl must be at most TOKEN_MAX_TTL \(1 hour\)/);

  // Without --ttl, the 12-hour default gives way to a shorter maximum.
  const fitted = runCli(t, ['token', '--user', student.id], shorter);
  t.equal(await fitted.exited, 0);
  const token = fitted.output().trim().split('\n').at(-1) as string;
  const claims = decodeJwt(token);
  t.equal((claims.exp ?? 0) - (claims.iat ?? 0), HOUR, 'valid for TOKEN_MAX_TTL');
  t.same((await ask(token)).body, { data: { currentUser: { name: 'Sam' } } });
});
