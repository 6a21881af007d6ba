// Sign in: an admin's bearer token, checked against the API, kept for the browser tab.

import { gql, TOKEN_KEY } from './api.js';
import { h } from './dom.js';
import { main, nav, say } from './page.js';

/** renderSignIn shows the sign-in form; `route` shows the view once signed in. */
export function renderSignIn(reason, route) {
  nav.hidden = true;
  const input = h('textarea', {
    id: 'token',
    name: 'token',
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const form = h(
    'form',
    {
      class: 'panel signin',
      onsubmit: async (event) => {
        event.preventDefault();
        const token = input.value.trim();
        try {
          const data = await gql('{ currentUser { name role } }', {}, token);
          if (!data.currentUser) throw new Error('this token names no user');
          if (data.currentUser.role !== 'ADMIN') {
            throw new Error(
              `this token belongs to ${data.currentUser.name}, a ${data.currentUser.role.toLowerCase()}; the admin page is for admins only`,
            );
          }
          sessionStorage.setItem(TOKEN_KEY, token);
          say(`Signed in as ${data.currentUser.name}.`, 'done');
          // The view in the address stays (a reload, a shared link); none means Overview. A
          // changed hash routes by itself (hashchange); routing twice would run two views.
          if (location.hash.length > 2) route();
          else location.hash = '#/overview';
        } catch (error) {
          say(`Not signed in: ${error.message}`, 'error');
        }
      },
    },
    h('h2', {}, 'Sign in'),
    h(
      'p',
      { class: 'muted' },
      'Paste an admin bearer token (',
      h('code', {}, 'npm run token -- --user <id>'),
      ').',
    ),
    h('label', { for: 'token' }, 'Admin token', input),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Sign in')),
  );
  main.replaceChildren(form);
  if (reason) say(reason, 'error');
  input.focus();
}
