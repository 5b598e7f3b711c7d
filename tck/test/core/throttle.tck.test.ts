import { interval, take, throttle } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// throttle: a 1 ms tick source (throttle asks it for unbounded demand) and a 1 ms window; ticks that find no demand
// are dropped by design, so take(n) counts the ones that came out.
publisherVerification('throttle', coreOptions({
  createPublisher: (n) => interval(1, { onOverflow: 'drop' }).pipe(throttle(1, { trailing: true }), take(count(n))),
}));
