// Live streams from the API over WebSocket, with graphql-ws's own browser client (served by
// the server from the installed package, src/http/server.ts VENDOR_DIRS): the protocol, its
// keep-alive pings and its errors are the library's, not this page's.

import { createClient } from '/admin/vendor/graphql-ws/client.js';
import { TOKEN_KEY } from './api.js';

/** KEEP_ALIVE_MS is how often the socket is pinged, so that a dead one is noticed. */
const KEEP_ALIVE_MS = 10_000;

/**
 * watch subscribes to `query` with the admin's token and calls onEvent with each result's data;
 * when the socket cannot open, is refused, or drops, or the subscription ends, it calls onDrop
 * once (the view then polls, and tries the socket again on each poll: no retries here).
 * Returns stop().
 */
export function watch(query, variables, onEvent, onDrop) {
  let over = false;
  const drop = () => {
    if (over) return;
    over = true;
    client.dispose();
    onDrop();
  };
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const client = createClient({
    url: `${scheme}://${location.host}/graphql`,
    connectionParams: { authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY)}` },
    retryAttempts: 0,
    keepAlive: KEEP_ALIVE_MS,
    on: { closed: drop },
  });
  client.subscribe(
    { query, variables },
    { next: (result) => result.data && onEvent(result.data), error: drop, complete: drop },
  );
  return () => {
    over = true;
    client.dispose();
  };
}
