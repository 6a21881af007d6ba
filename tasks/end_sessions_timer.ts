import { bookingTimer } from '../src/bookings/transitions.ts';

/** end_sessions_timer is the instant timer of its row of app_private.booking_deadlines (sql/0003_bookings.sql). */
export default bookingTimer;
