import { timerTask } from '../src/transitions.ts';

/** end_booking moves one booking to ended at its deadline (job key booking:<id>:end). */
export default timerTask('end_booking', 'ended');
