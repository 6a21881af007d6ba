import { timerTask } from '../src/bookings/transitions.ts';

/** expire_requests_timer expires every request whose expires_at is its instant (job key timer:expire_requests_timer:<instant>). */
export default timerTask('expire_requests_timer', 'expired');
