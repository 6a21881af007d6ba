// Live streams from the API over WebSocket: the graphql-ws protocol, the little of it a view
// that watches one subscription needs.

import { TOKEN_KEY } from './api.js';

/**
 * watch subscribes to `query` with the admin's token and calls onEvent with each result's data;
 * when the socket cannot open, is refused, or drops, it calls onDrop once. Returns stop().
 */
export function watch(query, variables, onEvent, onDrop) {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const socket = new WebSocket(`${scheme}://${location.host}/graphql`, 'graphql-transport-ws');
  const send = (message) => socket.send(JSON.stringify(message));
  let over = false;
  socket.onopen = () =>
    send({
      type: 'connection_init',
      payload: { authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY)}` },
    });
  socket.onmessage = (message) => {
    const m = JSON.parse(message.data);
    if (m.type === 'connection_ack')
      send({ id: '1', type: 'subscribe', payload: { query, variables } });
    else if (m.type === 'ping') send({ type: 'pong' });
    else if (m.type === 'next' && m.payload?.data) onEvent(m.payload.data);
    else if (m.type === 'error' || m.type === 'complete') socket.close();
  };
  socket.onclose = () => {
    if (over) return;
    over = true;
    onDrop();
  };
  return () => {
    over = true;
    socket.close();
  };
}
