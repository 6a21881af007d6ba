// The GraphQL client of tests, benchmarks and scripts: one request over HTTP, as a client sends it.

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
