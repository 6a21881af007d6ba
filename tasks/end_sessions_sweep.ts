import { sweepTask } from '../src/bookings/transitions.ts';

/** end_sessions_sweep is the crontab sweep that moves every overdue booking to ended. */
export default sweepTask('end_sessions_sweep', 'ended');
