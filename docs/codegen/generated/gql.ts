/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation DeclineBooking($bookingId: UUID!, $reason: String) {\n  declineBooking(input: {bookingId: $bookingId, reason: $reason}) {\n    booking {\n      id\n      state\n    }\n  }\n}": typeof types.DeclineBookingDocument,
    "query Booking($id: UUID!) {\n  booking(id: $id) {\n    id\n    state\n    subject\n    startsAt\n    endsAt\n    expiresAt\n    tutor {\n      name\n    }\n    student {\n      name\n    }\n    events(orderBy: [ID_ASC]) {\n      nodes {\n        fromState\n        toState\n        actor\n        reason\n        createdAt\n      }\n    }\n  }\n}": typeof types.BookingDocument,
    "query Bookings($states: [BookingState!], $startsFrom: Datetime, $startsBefore: Datetime, $first: Int, $after: Cursor) {\n  bookings(\n    condition: {states: $states, startsFrom: $startsFrom, startsBefore: $startsBefore}\n    orderBy: [STARTS_AT_ASC]\n    first: $first\n    after: $after\n  ) {\n    totalCount\n    nodes {\n      id\n      state\n      subject\n      startsAt\n      endsAt\n      tutor {\n        name\n      }\n      student {\n        name\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.BookingsDocument,
    "mutation RescheduleBooking($bookingId: UUID!, $startsAt: Datetime!, $endsAt: Datetime!) {\n  rescheduleBooking(\n    input: {bookingId: $bookingId, startsAt: $startsAt, endsAt: $endsAt}\n  ) {\n    booking {\n      id\n      state\n      startsAt\n      endsAt\n    }\n  }\n}\n\nmutation CancelBooking($bookingId: UUID!, $reason: String) {\n  cancelBooking(input: {bookingId: $bookingId, reason: $reason}) {\n    booking {\n      id\n      state\n    }\n  }\n}": typeof types.RescheduleBookingDocument,
    "query CurrentUser {\n  currentUser {\n    id\n    name\n    role\n    timeZone\n  }\n}": typeof types.CurrentUserDocument,
    "query Me {\n  currentUser {\n    id\n    name\n    timeZone\n  }\n}\n\nmutation RequestBooking($startsAt: Datetime!, $endsAt: Datetime!) {\n  requestBooking(\n    input: {tutorId: \"00000000-0000-4000-8000-000000000001\", startsAt: $startsAt, endsAt: $endsAt, subject: \"Algebra\"}\n  ) {\n    booking {\n      id\n      state\n      expiresAt\n      tutor {\n        name\n      }\n    }\n  }\n}\n\nmutation AcceptBooking($bookingId: UUID!) {\n  acceptBooking(input: {bookingId: $bookingId}) {\n    booking {\n      id\n      state\n      startsAt\n      student {\n        name\n      }\n    }\n  }\n}\n\nquery MyBookings {\n  bookings(first: 10) {\n    totalCount\n    nodes {\n      id\n      state\n      subject\n      startsAt\n      tutor {\n        name\n      }\n    }\n  }\n}\n\nquery UpcomingBookings($from: Datetime!) {\n  bookings(\n    condition: {states: [REQUESTED, SCHEDULED], startsFrom: $from}\n    orderBy: [STARTS_AT_ASC]\n    first: 10\n  ) {\n    totalCount\n    nodes {\n      id\n      state\n      subject\n      startsAt\n      tutor {\n        name\n      }\n      student {\n        name\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.MeDocument,
};
const documents: Documents = {
    "mutation DeclineBooking($bookingId: UUID!, $reason: String) {\n  declineBooking(input: {bookingId: $bookingId, reason: $reason}) {\n    booking {\n      id\n      state\n    }\n  }\n}": types.DeclineBookingDocument,
    "query Booking($id: UUID!) {\n  booking(id: $id) {\n    id\n    state\n    subject\n    startsAt\n    endsAt\n    expiresAt\n    tutor {\n      name\n    }\n    student {\n      name\n    }\n    events(orderBy: [ID_ASC]) {\n      nodes {\n        fromState\n        toState\n        actor\n        reason\n        createdAt\n      }\n    }\n  }\n}": types.BookingDocument,
    "query Bookings($states: [BookingState!], $startsFrom: Datetime, $startsBefore: Datetime, $first: Int, $after: Cursor) {\n  bookings(\n    condition: {states: $states, startsFrom: $startsFrom, startsBefore: $startsBefore}\n    orderBy: [STARTS_AT_ASC]\n    first: $first\n    after: $after\n  ) {\n    totalCount\n    nodes {\n      id\n      state\n      subject\n      startsAt\n      endsAt\n      tutor {\n        name\n      }\n      student {\n        name\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.BookingsDocument,
    "mutation RescheduleBooking($bookingId: UUID!, $startsAt: Datetime!, $endsAt: Datetime!) {\n  rescheduleBooking(\n    input: {bookingId: $bookingId, startsAt: $startsAt, endsAt: $endsAt}\n  ) {\n    booking {\n      id\n      state\n      startsAt\n      endsAt\n    }\n  }\n}\n\nmutation CancelBooking($bookingId: UUID!, $reason: String) {\n  cancelBooking(input: {bookingId: $bookingId, reason: $reason}) {\n    booking {\n      id\n      state\n    }\n  }\n}": types.RescheduleBookingDocument,
    "query CurrentUser {\n  currentUser {\n    id\n    name\n    role\n    timeZone\n  }\n}": types.CurrentUserDocument,
    "query Me {\n  currentUser {\n    id\n    name\n    timeZone\n  }\n}\n\nmutation RequestBooking($startsAt: Datetime!, $endsAt: Datetime!) {\n  requestBooking(\n    input: {tutorId: \"00000000-0000-4000-8000-000000000001\", startsAt: $startsAt, endsAt: $endsAt, subject: \"Algebra\"}\n  ) {\n    booking {\n      id\n      state\n      expiresAt\n      tutor {\n        name\n      }\n    }\n  }\n}\n\nmutation AcceptBooking($bookingId: UUID!) {\n  acceptBooking(input: {bookingId: $bookingId}) {\n    booking {\n      id\n      state\n      startsAt\n      student {\n        name\n      }\n    }\n  }\n}\n\nquery MyBookings {\n  bookings(first: 10) {\n    totalCount\n    nodes {\n      id\n      state\n      subject\n      startsAt\n      tutor {\n        name\n      }\n    }\n  }\n}\n\nquery UpcomingBookings($from: Datetime!) {\n  bookings(\n    condition: {states: [REQUESTED, SCHEDULED], startsFrom: $from}\n    orderBy: [STARTS_AT_ASC]\n    first: 10\n  ) {\n    totalCount\n    nodes {\n      id\n      state\n      subject\n      startsAt\n      tutor {\n        name\n      }\n      student {\n        name\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.MeDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DeclineBooking($bookingId: UUID!, $reason: String) {\n  declineBooking(input: {bookingId: $bookingId, reason: $reason}) {\n    booking {\n      id\n      state\n    }\n  }\n}"): (typeof documents)["mutation DeclineBooking($bookingId: UUID!, $reason: String) {\n  declineBooking(input: {bookingId: $bookingId, reason: $reason}) {\n    booking {\n      id\n      state\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Booking($id: UUID!) {\n  booking(id: $id) {\n    id\n    state\n    subject\n    startsAt\n    endsAt\n    expiresAt\n    tutor {\n      name\n    }\n    student {\n      name\n    }\n    events(orderBy: [ID_ASC]) {\n      nodes {\n        fromState\n        toState\n        actor\n        reason\n        createdAt\n      }\n    }\n  }\n}"): (typeof documents)["query Booking($id: UUID!) {\n  booking(id: $id) {\n    id\n    state\n    subject\n    startsAt\n    endsAt\n    expiresAt\n    tutor {\n      name\n    }\n    student {\n      name\n    }\n    events(orderBy: [ID_ASC]) {\n      nodes {\n        fromState\n        toState\n        actor\n        reason\n        createdAt\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Bookings($states: [BookingState!], $startsFrom: Datetime, $startsBefore: Datetime, $first: Int, $after: Cursor) {\n  bookings(\n    condition: {states: $states, startsFrom: $startsFrom, startsBefore: $startsBefore}\n    orderBy: [STARTS_AT_ASC]\n    first: $first\n    after: $after\n  ) {\n    totalCount\n    nodes {\n      id\n      state\n      subject\n      startsAt\n      endsAt\n      tutor {\n        name\n      }\n      student {\n        name\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query Bookings($states: [BookingState!], $startsFrom: Datetime, $startsBefore: Datetime, $first: Int, $after: Cursor) {\n  bookings(\n    condition: {states: $states, startsFrom: $startsFrom, startsBefore: $startsBefore}\n    orderBy: [STARTS_AT_ASC]\n    first: $first\n    after: $after\n  ) {\n    totalCount\n    nodes {\n      id\n      state\n      subject\n      startsAt\n      endsAt\n      tutor {\n        name\n      }\n      student {\n        name\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RescheduleBooking($bookingId: UUID!, $startsAt: Datetime!, $endsAt: Datetime!) {\n  rescheduleBooking(\n    input: {bookingId: $bookingId, startsAt: $startsAt, endsAt: $endsAt}\n  ) {\n    booking {\n      id\n      state\n      startsAt\n      endsAt\n    }\n  }\n}\n\nmutation CancelBooking($bookingId: UUID!, $reason: String) {\n  cancelBooking(input: {bookingId: $bookingId, reason: $reason}) {\n    booking {\n      id\n      state\n    }\n  }\n}"): (typeof documents)["mutation RescheduleBooking($bookingId: UUID!, $startsAt: Datetime!, $endsAt: Datetime!) {\n  rescheduleBooking(\n    input: {bookingId: $bookingId, startsAt: $startsAt, endsAt: $endsAt}\n  ) {\n    booking {\n      id\n      state\n      startsAt\n      endsAt\n    }\n  }\n}\n\nmutation CancelBooking($bookingId: UUID!, $reason: String) {\n  cancelBooking(input: {bookingId: $bookingId, reason: $reason}) {\n    booking {\n      id\n      state\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CurrentUser {\n  currentUser {\n    id\n    name\n    role\n    timeZone\n  }\n}"): (typeof documents)["query CurrentUser {\n  currentUser {\n    id\n    name\n    role\n    timeZone\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Me {\n  currentUser {\n    id\n    name\n    timeZone\n  }\n}\n\nmutation RequestBooking($startsAt: Datetime!, $endsAt: Datetime!) {\n  requestBooking(\n    input: {tutorId: \"00000000-0000-4000-8000-000000000001\", startsAt: $startsAt, endsAt: $endsAt, subject: \"Algebra\"}\n  ) {\n    booking {\n      id\n      state\n      expiresAt\n      tutor {\n        name\n      }\n    }\n  }\n}\n\nmutation AcceptBooking($bookingId: UUID!) {\n  acceptBooking(input: {bookingId: $bookingId}) {\n    booking {\n      id\n      state\n      startsAt\n      student {\n        name\n      }\n    }\n  }\n}\n\nquery MyBookings {\n  bookings(first: 10) {\n    totalCount\n    nodes {\n      id\n      state\n      subject\n      startsAt\n      tutor {\n        name\n      }\n    }\n  }\n}\n\nquery UpcomingBookings($from: Datetime!) {\n  bookings(\n    condition: {states: [REQUESTED, SCHEDULED], startsFrom: $from}\n    orderBy: [STARTS_AT_ASC]\n    first: 10\n  ) {\n    totalCount\n    nodes {\n      id\n      state\n      subject\n      startsAt\n      tutor {\n        name\n      }\n      student {\n        name\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query Me {\n  currentUser {\n    id\n    name\n    timeZone\n  }\n}\n\nmutation RequestBooking($startsAt: Datetime!, $endsAt: Datetime!) {\n  requestBooking(\n    input: {tutorId: \"00000000-0000-4000-8000-000000000001\", startsAt: $startsAt, endsAt: $endsAt, subject: \"Algebra\"}\n  ) {\n    booking {\n      id\n      state\n      expiresAt\n      tutor {\n        name\n      }\n    }\n  }\n}\n\nmutation AcceptBooking($bookingId: UUID!) {\n  acceptBooking(input: {bookingId: $bookingId}) {\n    booking {\n      id\n      state\n      startsAt\n      student {\n        name\n      }\n    }\n  }\n}\n\nquery MyBookings {\n  bookings(first: 10) {\n    totalCount\n    nodes {\n      id\n      state\n      subject\n      startsAt\n      tutor {\n        name\n      }\n    }\n  }\n}\n\nquery UpcomingBookings($from: Datetime!) {\n  bookings(\n    condition: {states: [REQUESTED, SCHEDULED], startsFrom: $from}\n    orderBy: [STARTS_AT_ASC]\n    first: 10\n  ) {\n    totalCount\n    nodes {\n      id\n      state\n      subject\n      startsAt\n      tutor {\n        name\n      }\n      student {\n        name\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;