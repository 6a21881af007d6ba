import { sweepTask } from '../src/bookings/transitions.ts';

/** start_sessions_sweep is the crontab sweep that moves every overdue booking to active. */
export default sweepTask('start_sessions_sweep', 'active');
