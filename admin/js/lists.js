// The API's lists the page offers as choices, in the order the page shows them.
// Not asked of the API: introspection can be off (GRAPHQL_INTROSPECTION), and then the page
// would have no states to offer; runSweep takes any text (its SQL function names the sweeps);
// and the booking states are shown in another order than the enum's. TODO: a query field that
// lists them (from the SQL that defines them) would let the page ask.

export const JOB_STATES = ['SCHEDULED', 'DUE', 'RUNNING', 'RETRYING', 'FAILED'];

export const BOOKING_STATES = [
  'REQUESTED',
  'SCHEDULED',
  'ACTIVE',
  'ENDED',
  'DECLINED',
  'CANCELLED',
  'EXPIRED',
];

export const SWEEPS = [
  'start_sessions_sweep',
  'end_sessions_sweep',
  'expire_requests_sweep',
  'requeue_notifications',
  'prune_job_history',
];
