import { sweepTask } from '../src/bookings/transitions.ts';

/** start_sessions is the crontab sweep that moves every overdue booking to active. */
export default sweepTask('start_sessions', 'active');
