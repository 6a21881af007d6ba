// schoolbell's admin page: plain browser JavaScript modules, no build step, no framework. It
// talks to the admin GraphQL API only (api.js), with the admin's bearer token, and builds the
// DOM with h() (dom.js) so that nothing from the server is ever parsed as HTML. This module
// routes: the address's hash names the view.

import { TOKEN_KEY } from './api.js';
import { renderBooking } from './booking.js';
import { renderBookings } from './bookings.js';
import { renderJob } from './job.js';
import { renderJobs } from './jobs.js';
import { renderOverview } from './overview.js';
import { hooks, main, nav, newView, say, showError } from './page.js';
import { renderSchedules } from './schedules.js';
import { renderSignIn } from './signin.js';
import { renderUpcoming } from './upcoming.js';

hooks.signedOut = (reason) => renderSignIn(reason, route);

async function route() {
  newView();
  if (!sessionStorage.getItem(TOKEN_KEY)) return renderSignIn(undefined, route);
  nav.hidden = false;
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  const parts = (path || '/overview').split('/').filter(Boolean);
  for (const link of nav.querySelectorAll('a')) {
    link.toggleAttribute('aria-current', link.getAttribute('href') === `#/${parts[0]}`);
    if (link.hasAttribute('aria-current')) link.setAttribute('aria-current', 'page');
  }
  try {
    if (parts[0] === 'jobs' && parts[1]) await renderJob(parts[1]);
    else if (parts[0] === 'jobs') await renderJobs(new URLSearchParams(query));
    else if (parts[0] === 'bookings' && parts[1]) await renderBooking(parts[1]);
    else if (parts[0] === 'bookings') await renderBookings(new URLSearchParams(query));
    else if (parts[0] === 'schedules') await renderSchedules(new URLSearchParams(query));
    else if (parts[0] === 'upcoming') await renderUpcoming(new URLSearchParams(query));
    else await renderOverview();
  } catch (error) {
    showError(error);
  }
}

document.getElementById('sign-out').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  say('Signed out.');
  route();
});
window.addEventListener('hashchange', () => {
  route();
  main.focus();
});
route();
