// The GraphQL client of tests, benchmarks and scripts: one request over HTTP, as a client sends it.
import { signToken } from '../src/http/auth.ts';

/** GraphqlBody is a GraphQL response as it arrives over HTTP. */
export interface GraphqlBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** postGraphql sends one GraphQL request over HTTP and returns the status and parsed body. */
export async function postGraphql(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; body: GraphqlBody }> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as GraphqlBody };
}

/** dataOf returns a response's data, failing loudly (with the errors) when there is none. */
export function dataOf(body: GraphqlBody): Record<string, unknown> {
  if (!body.data) throw new Error(`expected data, got ${JSON.stringify(body)}`);
  return body.data;
}

/** Signed is whom a request is signed for: a user's id and role. */
export type Signed = Parameters<typeof signToken>[0];

/** bearer is the Authorization header that carries `token`. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/**
 * graphqlClient returns a client of the GraphQL API at `base` that signs each request for the
 * user it is given (one token per user, signed with `secret`, valid ten minutes), or sends it
 * without a token when the user is null.
 */
export function graphqlClient(base: string, secret: string) {
  const tokens = new Map<string, Promise<string>>();
  return async (
    user: Signed | null,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<{ status: number; body: GraphqlBody }> => {
    if (!user) return postGraphql(base, query, variables);
    let token = tokens.get(user.id);
    if (!token) {
      token = signToken(user, secret, 600);
      tokens.set(user.id, token);
    }
    return postGraphql(base, query, variables, bearer(await token));
  };
}

/**
 * postAs sends one GraphQL request with a bearer token and returns its data, throwing the first
 * error's message when there is any (benchmarks count a refusal as an error).
 */
export async function postAs(
  baseUrl: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const { body } = await postGraphql(baseUrl, query, variables, bearer(token));
  if (body.errors) throw new Error(body.errors[0]?.message);
  return body.data as Record<string, unknown>;
}
