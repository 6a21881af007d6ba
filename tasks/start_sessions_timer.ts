import { timerTask } from '../src/bookings/transitions.ts';

/** start_booking starts every session whose starts_at is its instant (job key timer:start_booking:<instant>). */
export default timerTask('start_booking', 'active');
