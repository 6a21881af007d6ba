// One booking: its facts, its state timeline, its pending timers and its reminders, live.

import { BOOKING_FIELDS } from './bookings.js';
import { badge, h, when } from './dom.js';
import { facts } from './facts.js';
import { liveOrRefresh, load, main } from './page.js';

/** POLL_MS is how often the view is read again while its live stream is down. */
const POLL_MS = 5_000;

export async function renderBooking(id) {
  const data = await load(
    `query ($id: UUID!) {
      booking(id: $id) {
        ${BOOKING_FIELDS}
        events(orderBy: ID_ASC) { nodes { fromState toState actorName reason createdAt } }
        timers { nodes { id task key state runAt } }
        reminders { nodes { id recipient { name } runAt state attempts lastError } }
      }
    }`,
    { id },
  );
  const b = data.booking;
  // Each new event of this booking redraws it; polling while the socket is down.
  liveOrRefresh(
    'subscription ($id: UUID) { bookingEvents(bookingId: $id) { id } }',
    { id },
    () => renderBooking(id),
    POLL_MS,
  );
  if (!b) {
    main.replaceChildren(
      h('p', {}, h('a', { href: '#/bookings' }, '← Bookings')),
      h('p', {}, `No booking ${id}.`),
    );
    return;
  }
  main.replaceChildren(
    h('p', {}, h('a', { href: '#/bookings' }, '← Bookings')),
    h('h2', {}, `${b.subject} `, badge(b.state)),
    facts([
      ['id', b.id],
      ['student', b.student?.name ?? '—'],
      ['tutor', b.tutor?.name ?? '—'],
      ['starts', when(b.startsAt)],
      ['ends', when(b.endsAt)],
      ['request expires', when(b.expiresAt)],
    ]),
    h(
      'div',
      { class: 'grid2' },
      h(
        'section',
        { 'aria-labelledby': 'timeline-title' },
        h('h3', { id: 'timeline-title' }, 'State timeline'),
        h(
          'ol',
          { class: 'timeline', 'data-testid': 'booking-events' },
          b.events.nodes.map((e) =>
            h(
              'li',
              {},
              e.fromState ? `${e.fromState.toLowerCase()} → ` : '',
              badge(e.toState),
              ` by ${e.actorName}`,
              e.reason ? ` (${e.reason})` : '',
              h('div', { class: 'when' }, when(e.createdAt)),
            ),
          ),
        ),
      ),
      h(
        'section',
        { 'aria-labelledby': 'timers-title' },
        h('h3', { id: 'timers-title' }, 'Pending timers'),
        b.timers.nodes.length
          ? h(
              'ul',
              { 'data-testid': 'booking-timers' },
              b.timers.nodes.map((j) =>
                h(
                  'li',
                  {},
                  h('a', { href: `#/jobs/${j.id}` }, j.task),
                  ' ',
                  badge(j.state),
                  ' at ',
                  when(j.runAt),
                ),
              ),
            )
          : h('p', { class: 'muted' }, 'None: nothing is waiting for a deadline.'),
        h('h3', {}, 'Reminders'),
        b.reminders.nodes.length
          ? h(
              'ul',
              {},
              b.reminders.nodes.map((r) =>
                h(
                  'li',
                  {},
                  `${r.recipient?.name ?? '?'}: `,
                  badge(r.state),
                  ' at ',
                  when(r.runAt),
                  r.lastError ? ` (${r.lastError})` : '',
                ),
              ),
            )
          : h('p', { class: 'muted' }, 'None.'),
      ),
    ),
  );
}
