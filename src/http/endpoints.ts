/**
 * ENDPOINTS are the paths schoolbell serves over HTTP, each with what it is for: the one list
 * the server routes by, `GET /` shows and the startup log prints.
 */
export const ENDPOINTS = {
  index: { path: '/', about: 'this index' },
  graphql: {
    path: '/graphql',
    about: 'the GraphQL API: queries over GET or POST, mutations over POST',
  },
  graphiql: {
    path: '/graphiql',
    about: 'GraphiQL (Ruru), to try the API in a browser (not in production)',
  },
  admin: { path: '/admin', about: 'the admin page (sign in with an admin token)' },
  healthz: { path: '/healthz', about: 'liveness: 200 while the process runs' },
  readyz: {
    path: '/readyz',
    about: 'readiness: 200 when every probe passes, else 503 naming them',
  },
  metrics: { path: '/metrics', about: 'Prometheus metrics (text format)' },
} as const;

/** EndpointName is one of the names in ENDPOINTS. */
export type EndpointName = keyof typeof ENDPOINTS;

/** OPS_ENDPOINTS are the endpoints that move to OPS_HOST:OPS_PORT when OPS_PORT is set. */
export const OPS_ENDPOINTS: readonly EndpointName[] = ['healthz', 'readyz', 'metrics'];

/**
 * servedUrls lists the URL of every endpoint served: the API's at `url` (graphiql only when
 * enabled), the ops endpoints at `opsUrl`.
 */
export function servedUrls(
  url: string | undefined,
  opsUrl: string,
  graphiql: boolean,
): Partial<Record<EndpointName, string>> {
  const urls: Partial<Record<EndpointName, string>> = {};
  for (const [name, { path }] of Object.entries(ENDPOINTS) as Array<
    [EndpointName, { path: string }]
  >) {
    if (OPS_ENDPOINTS.includes(name)) urls[name] = `${opsUrl}${path}`;
    else if (url && (name !== 'graphiql' || graphiql)) urls[name] = `${url}${path}`;
  }
  return urls;
}
