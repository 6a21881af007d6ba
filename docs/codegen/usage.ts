// Client code as a frontend developer writes it against the generated types: what the database
// guarantees is read without `?.` or `!`. test/codegen.test.ts type-checks this file, so a
// guaranteed value turning nullable in schema.graphql fails the suite.
import type {
  BookingQuery,
  BookingState,
  BookingsQuery,
  CurrentUserQuery,
  RequestBookingMutation,
} from './generated/graphql';

/** bookingLines renders a page of bookings: every node, its state, its people, its cursor. */
export function bookingLines(data: BookingsQuery): string[] {
  const lines = data.bookings.nodes.map(
    (b) => `${b.startsAt} ${b.subject}: ${b.tutor.name} with ${b.student.name} (${b.state})`,
  );
  const total: number = data.bookings.totalCount;
  const more: boolean = data.bookings.pageInfo.hasNextPage;
  return [...lines, `${total} in all${more ? ', more to come' : ''}`];
}

/** story tells a booking's events; the booking itself may be gone or invisible (null). */
export function story(data: BookingQuery): string[] {
  if (!data.booking) return [];
  const states: BookingState[] = data.booking.events.nodes.map((e) => e.toState);
  return states.map((state, i) => `${i + 1}. ${state} (${data.booking?.tutor.name})`);
}

/** requested reads what a request returns: always a booking, or an error instead. */
export function requested(data: RequestBookingMutation): { id: string; state: BookingState } {
  const { id, state, tutor } = data.requestBooking.booking;
  return { id, state: tutor.name ? state : state };
}

/** whoAmI may find nobody: currentUser is null without a token. */
export function whoAmI(data: CurrentUserQuery): string {
  return data.currentUser ? `${data.currentUser.name} (${data.currentUser.role})` : 'anonymous';
}
