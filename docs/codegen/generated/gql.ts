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
    "mutation AcceptBooking($bookingId: UUID!) {\n  acceptBooking(input: {bookingId: $bookingId}) {\n    booking {\n      id\n      state\n    }\n  }\n}\n\nmutation DeclineBooking($bookingId: UUID!, $reason: String) {\n  declineBooking(input: {bookingId: $bookingId, reason: $reason}) {\n    booking {\n      id\n      state\n    }\n  }\n}": typeof types.AcceptBookingDocument,
    "query Booking($id: UUID!) {\n  booking(id: $id) {\n    id\n    state\n    subject\n    startsAt\n    endsAt\n    expiresAt\n    tutor {\n      name\n    }\n    student {\n      name\n    }\n    events(orderBy: [ID_ASC]) {\n      nodes {\n        fromState\n        toState\n        actor\n        reason\n        createdAt\n      }\n    }\n  }\n}": typeof types.BookingDocument,
    "query Bookings($states: [BookingState!], $startsFrom: Datetime, $startsBefore: Datetime, $first: Int, $after: Cursor) {\n  bookings(\n    condition: {states: $states, startsFrom: $startsFrom, startsBefore: $startsBefore}\n    orderBy: [STARTS_AT_ASC]\n    first: $first\n    after: $after\n  ) {\n    totalCount\n    nodes {\n      id\n      state\n      subject\n      startsAt\n      endsAt\n      tutor {\n        name\n      }\n      student {\n        name\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.BookingsDocument,
    "mutation RescheduleBooking($bookingId: UUID!, $startsAt: Datetime!, $endsAt: Datetime!) {\n  rescheduleBooking(\n    input: {bookingId: $bookingId, startsAt: $startsAt, endsAt: $endsAt}\n  ) {\n    booking {\n      id\n      state\n      startsAt\n      endsAt\n    }\n  }\n}\n\nmutation CancelBooking($bookingId: UUID!, $reason: String) {\n  cancelBooking(input: {bookingId: $bookingId, reason: $reason}) {\n    booking {\n      id\n      state\n    }\n  }\n}": typeof types.RescheduleBookingDocument,
    "query CurrentUser {\n  currentUser {\n    id\n    name\n    role\n    timeZone\n  }\n}": typeof types.CurrentUserDocument,
    "mutation RequestBooking($tutorId: UUID!, $startsAt: Datetime!, $endsAt: Datetime!, $subject: String!) {\n  requestBooking(\n    input: {tutorId: $tutorId, startsAt: $startsAt, endsAt: $endsAt, subject: $subject}\n  ) {\n    booking {\n      id\n      state\n      expiresAt\n      tutor {\n        name\n      }\n    }\n  }\n}": typeof types.RequestBookingDocument,
};
const documents: Documents = {
    "mutation AcceptBooking($bookingId: UUID!) {\n  acceptBooking(input: {bookingId: $bookingId}) {\n    booking {\n      id\n      state\n    }\n  }\n}\n\nmutation DeclineBooking($bookingId: UUID!, $reason: String) {\n  declineBooking(input: {bookingId: $bookingId, reason: $reason}) {\n    booking {\n      id\n      state\n    }\n  }\n}": types.AcceptBookingDocument,
    "query Booking($id: UUID!) {\n  booking(id: $id) {\n    id\n    state\n    subject\n    startsAt\n    endsAt\n    expiresAt\n    tutor {\n      name\n    }\n    student {\n      name\n    }\n    events(orderBy: [ID_ASC]) {\n      nodes {\n        fromState\n        toState\n        actor\n        reason\n        createdAt\n      }\n    }\n  }\n}": types.BookingDocument,
    "query Bookings($states: [BookingState!], $startsFrom: Datetime, $startsBefore: Datetime, $first: Int, $after: Cursor) {\n  bookings(\n    condition: {states: $states, startsFrom: $startsFrom, startsBefore: $startsBefore}\n    orderBy: [STARTS_AT_ASC]\n    first: $first\n    after: $after\n  ) {\n    totalCount\n    nodes {\n      id\n      state\n      subject\n      startsAt\n      endsAt\n      tutor {\n        name\n      }\n      student {\n        name\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.BookingsDocument,
    "mutation RescheduleBooking($bookingId: UUID!, $startsAt: Datetime!, $endsAt: Datetime!) {\n  rescheduleBooking(\n    input: {bookingId: $bookingId, startsAt: $startsAt, endsAt: $endsAt}\n  ) {\n    booking {\n      id\n      state\n      startsAt\n      endsAt\n    }\n  }\n}\n\nmutation CancelBooking($bookingId: UUID!, $reason: String) {\n  cancelBooking(input: {bookingId: $bookingId, reason: $reason}) {\n    booking {\n      id\n      state\n    }\n  }\n}": types.RescheduleBookingDocument,
    "query CurrentUser {\n  currentUser {\n    id\n    name\n    role\n    timeZone\n  }\n}": types.CurrentUserDocument,
    "mutation RequestBooking($tutorId: UUID!, $startsAt: Datetime!, $endsAt: Datetime!, $subject: String!) {\n  requestBooking(\n    input: {tutorId: $tutorId, startsAt: $startsAt, endsAt: $endsAt, subject: $subject}\n  ) {\n    booking {\n      id\n      state\n      expiresAt\n      tutor {\n        name\n      }\n    }\n  }\n}": types.RequestBookingDocument,
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
export function graphql(source: "mutation AcceptBooking($bookingId: UUID!) {\n  acceptBooking(input: {bookingId: $bookingId}) {\n    booking {\n      id\n      state\n    }\n  }\n}\n\nmutation DeclineBooking($bookingId: UUID!, $reason: String) {\n  declineBooking(input: {bookingId: $bookingId, reason: $reason}) {\n    booking {\n      id\n      state\n    }\n  }\n}"): (typeof documents)["mutation AcceptBooking($bookingId: UUID!) {\n  acceptBooking(input: {bookingId: $bookingId}) {\n    booking {\n      id\n      state\n    }\n  }\n}\n\nmutation DeclineBooking($bookingId: UUID!, $reason: String) {\n  declineBooking(input: {bookingId: $bookingId, reason: $reason}) {\n    booking {\n      id\n      state\n    }\n  }\n}"];
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
export function graphql(source: "mutation RequestBooking($tutorId: UUID!, $startsAt: Datetime!, $endsAt: Datetime!, $subject: String!) {\n  requestBooking(\n    input: {tutorId: $tutorId, startsAt: $startsAt, endsAt: $endsAt, subject: $subject}\n  ) {\n    booking {\n      id\n      state\n      expiresAt\n      tutor {\n        name\n      }\n    }\n  }\n}"): (typeof documents)["mutation RequestBooking($tutorId: UUID!, $startsAt: Datetime!, $endsAt: Datetime!, $subject: String!) {\n  requestBooking(\n    input: {tutorId: $tutorId, startsAt: $startsAt, endsAt: $endsAt, subject: $subject}\n  ) {\n    booking {\n      id\n      state\n      expiresAt\n      tutor {\n        name\n      }\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;