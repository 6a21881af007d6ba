import { timerTask } from '../src/bookings/transitions.ts';

/** start_sessions_timer starts every session whose starts_at is its instant (job key timer:start_sessions_timer:<instant>). */
export default timerTask('start_sessions_timer', 'active');
