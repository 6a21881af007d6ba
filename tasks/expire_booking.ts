import { timerTask } from '../src/transitions.ts';

/** expire_booking moves one booking to expired at its deadline (job key booking:<id>:expire). */
export default timerTask('expire_booking', 'expired');
