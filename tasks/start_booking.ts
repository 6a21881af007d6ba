import { timerTask } from '../src/transitions.ts';

/** start_booking moves one booking to active at its deadline (job key booking:<id>:start). */
export default timerTask('start_booking', 'active');
