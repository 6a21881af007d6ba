// The API's lists the page offers as choices, in the order the page shows them.
// TODO: ask the API instead (introspect the JobState and BookingState enums; the sweeps are
// the cron tasks runSweep accepts), keeping this order.

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
  'start_sessions',
  'end_sessions',
  'expire_requests',
  'requeue_notifications',
  'prune_job_history',
];
