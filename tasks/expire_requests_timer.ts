import { timerTask } from '../src/bookings/transitions.ts';

/** expire_booking expires every request whose expires_at is its instant (job key timer:expire_booking:<instant>). */
export default timerTask('expire_booking', 'expired');
