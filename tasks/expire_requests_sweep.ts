import { bookingSweep } from '../src/bookings/transitions.ts';

/** expire_requests_sweep is the crontab sweep of its row of app_private.booking_deadlines (sql/0003_bookings.sql). */
export default bookingSweep;
