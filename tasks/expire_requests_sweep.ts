import { sweepTask } from '../src/bookings/transitions.ts';

/** expire_requests_sweep is the crontab sweep that moves every overdue booking to expired. */
export default sweepTask('expire_requests_sweep', 'expired');
