// Bookings: the recently changed ones, by state, and a booking found by its id.

import { badge, h, when } from './dom.js';
import { load, main } from './page.js';
import { table } from './table.js';

export const BOOKING_FIELDS =
  'id state subject startsAt endsAt expiresAt student { name } tutor { name }';

export async function renderBookings(params) {
  const state = params.get('state')?.toUpperCase() || null;
  const data = await load(
    `query ($condition: BookingCondition) {
      bookings(condition: $condition, orderBy: UPDATED_AT_DESC, first: 30) { nodes { ${BOOKING_FIELDS} updatedAt } }
      adminVocabulary { bookingStates }
    }`,
    { condition: state ? { state } : null },
  );
  const stateFilter = h(
    'select',
    {
      id: 'booking-state',
      name: 'state',
      onchange: () => {
        location.hash = stateFilter.value ? `#/bookings?state=${stateFilter.value}` : '#/bookings';
      },
    },
    h('option', { value: '' }, 'any'),
    data.adminVocabulary.bookingStates.map((s) =>
      h('option', { value: s, selected: s === state }, s.toLowerCase()),
    ),
  );
  const search = h('input', {
    id: 'booking-id',
    name: 'id',
    placeholder: 'a booking id',
    size: 38,
  });
  main.replaceChildren(
    h('h2', {}, 'Bookings'),
    h(
      'form',
      {
        class: 'filters',
        onsubmit: (event) => {
          event.preventDefault();
          if (search.value.trim()) location.hash = `#/bookings/${search.value.trim()}`;
        },
      },
      h('label', { for: 'booking-id' }, 'Booking id', search),
      h('button', { type: 'submit', class: 'primary' }, 'Open'),
      h('label', { for: 'booking-state' }, 'state', stateFilter),
    ),
    table({
      caption: 'Recently changed bookings',
      columns: ['booking', 'state', 'subject', 'student', 'tutor', 'starts'],
      rows: data.bookings.nodes.map((b) => ({
        cells: [
          h('a', { href: `#/bookings/${b.id}` }, b.id.slice(0, 8)),
          badge(b.state),
          b.subject,
          b.student?.name ?? '—',
          b.tutor?.name ?? '—',
          when(b.startsAt),
        ],
      })),
    }),
  );
}
