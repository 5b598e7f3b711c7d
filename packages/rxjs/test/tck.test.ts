import { publisherVerification } from '@sluice/tck/vitest';
import { interval, range as rxRange, throwError, timer, map, take } from 'rxjs';
import { controlled } from '../src/controlled';
import { fromObservable } from '../src/fromObservable';

// A publisher verified by the TCK must emit exactly n elements, so the capacity is set to n: with it the bridge is
// lossless whatever the policy, and the verification checks the rules (demand, termination, cancellation).
const MAX = 4096;
const capacityFor = (n: number) => Math.max(1, Math.min(n, MAX));

publisherVerification('fromObservable (synchronous Observable)', {
  createPublisher: (n) => fromObservable(rxRange(0, Math.min(n, MAX)), { capacity: capacityFor(n) }),
  createFailedPublisher: () => fromObservable(throwError(() => new Error('failed on purpose'))),
  maxElementsFromPublisher: MAX,
});

publisherVerification('fromObservable (asynchronous Observable)', {
  createPublisher: (n) => fromObservable(timer(0, 0).pipe(take(Math.min(n, 64)), map((i) => i + 1)), { capacity: capacityFor(n) }),
  createFailedPublisher: () => fromObservable(timer(0).pipe(map(() => { throw new Error('failed on purpose'); }))),
  maxElementsFromPublisher: 64,
});

publisherVerification('controlled', {
  createPublisher: (n) => controlled(rxRange(0, Math.min(n, MAX)), { capacity: capacityFor(n) }),
  createFailedPublisher: () => controlled(throwError(() => new Error('failed on purpose'))),
  maxElementsFromPublisher: MAX,
});

// §3.17 needs a producer that never runs out: an interval with a small 'drop-oldest' buffer (lossy, as a live feed is).
publisherVerification('fromObservable (endless Observable, §3.17)', {
  createPublisher: (n) =>
    n > MAX ? fromObservable(interval(0), { capacity: 16, overflow: 'drop-oldest' }) : fromObservable(rxRange(0, n), { capacity: capacityFor(n) }),
  only: ['3.17'],
});
