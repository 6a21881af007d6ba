import { timerTask } from '../src/bookings/transitions.ts';

/** end_booking ends every session whose ends_at is its instant, END_GRACE later (job key timer:end_booking:<instant>). */
export default timerTask('end_booking', 'ended');
