import { timerTask } from '../src/bookings/transitions.ts';

/** end_sessions_timer ends every session whose ends_at is its instant, END_GRACE later (job key timer:end_sessions_timer:<instant>). */
export default timerTask('end_sessions_timer', 'ended');
