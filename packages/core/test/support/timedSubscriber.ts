import type { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { TestSubscriber } from '../../src/testing/TestSubscriber';

/** A TestSubscriber whose log entries carry the virtual time: `10: next(1)`. */
export function timedSubscriber<T = number>(clock: VirtualTimeScheduler, initialRequest: number | 'unbounded' = 0): TestSubscriber<T> {
  const s = new TestSubscriber<T>({ initialRequest });
  const push = s.log.push.bind(s.log);
  const stamped = (...entries: string[]) => push(...entries.map((entry) => `${clock.now()}: ${entry}`));
  Object.defineProperty(s.log, 'push', { value: stamped, enumerable: false }); // invisible to toEqual
  return s;
}
