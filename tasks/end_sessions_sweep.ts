import { sweepTask } from '../src/bookings/transitions.ts';

/** end_sessions is the crontab sweep that moves every overdue booking to ended. */
export default sweepTask('end_sessions', 'ended');
