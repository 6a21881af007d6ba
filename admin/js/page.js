// The page's shared state: the main area, the status line, the current view and its one
// refresh timer.

import { gql, TOKEN_KEY } from './api.js';
import { watch } from './live.js';

export const main = document.getElementById('main');
export const nav = document.getElementById('nav');
const statusLine = document.getElementById('status');

// The one refresh timer: refreshAfter replaces it, route() clears it. Two timers alive at once
// (one armed by a view, one by an action's re-render) used to paint Overview over Jobs.
let refreshTimer;
// Each route() starts a new view. A view's data that arrives after the admin has moved on is
// dropped (STALE), so a slow refresh can never paint an old view over the one now shown.
let view = 0;
export const STALE = Symbol('stale view');
// The view's one live stream, if it watches one: newView stops it.
let stream;

/** signedOut shows the sign-in form; main.js sets it (the sign-in view routes on success). */
export const hooks = { signedOut: (_reason) => {} };

export function say(message, kind = '') {
  statusLine.textContent = message;
  statusLine.className = kind;
}

/** newView starts a view: older views' data and refreshes are dropped from now on. */
export function newView() {
  view++;
  clearTimeout(refreshTimer);
  stream?.stop();
  stream = undefined;
  // An error belongs to the view that had it: the next view starts without it. A message that
  // reports success (signed in, a job retried) may stay.
  if (statusLine.className === 'error') say('');
}

export function showError(error) {
  if (error === STALE) return;
  if (!sessionStorage.getItem(TOKEN_KEY)) return hooks.signedOut(`Signed out: ${error.message}`);
  say(error.message, 'error');
}

/**
 * refreshAfter renders the current view again after `ms`. A refresh that fails (the server
 * busy, the network gone) is reported and tried again, so a watched view never goes quiet;
 * one for a view the admin has left, or after signing out, stops.
 */
export function refreshAfter(ms, render) {
  const mine = view;
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    if (mine !== view) return;
    render().catch((error) => {
      showError(error);
      if (error !== STALE && mine === view && sessionStorage.getItem(TOKEN_KEY))
        refreshAfter(ms, render);
    });
  }, ms);
}

/** load runs a view's query, and throws STALE if another view was routed to meanwhile. */
export async function load(query, variables) {
  const mine = view;
  const data = await gql(query, variables);
  if (mine !== view) throw STALE;
  return data;
}

/**
 * liveOrRefresh renders the current view again on each result of the subscription `query`
 * that `only(data)` accepts (but the first, with `skipFirst`: a stream that starts with the
 * state as it is, which the view has just read), and, while the socket is down (it could not
 * open, or dropped), every `ms` as refreshAfter does; each of those renders tries the socket
 * again. Called by every render of the view: the stream it already has is kept.
 */
export function liveOrRefresh(
  query,
  variables,
  render,
  ms,
  { skipFirst = false, only = () => true } = {},
) {
  const mine = view;
  const key = JSON.stringify([query, variables]);
  if (stream && stream.view === mine && stream.key === key) return;
  stream?.stop();
  let skip = skipFirst;
  const rerender = (data) => {
    if (skip) skip = false;
    else if (mine === view && only(data)) render().catch(showError);
  };
  stream = {
    view: mine,
    key,
    stop: watch(query, variables, rerender, () => {
      if (mine !== view) return;
      stream = undefined;
      refreshAfter(ms, render);
    }),
  };
}
