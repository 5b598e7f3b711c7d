import { interval, of, switchMap, take } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// switchMap: it requests its outer source unbounded and switches away from inners that found no demand (by design), so behind a synchronous outer nothing but the last value would survive: a ticking outer, and take(n) after it.
publisherVerification('switchMap', coreOptions({
  createPublisher: (n) => count(n) === Infinity
    ? interval(1, { onOverflow: 'drop' }).pipe(switchMap((x) => of(x)))
    : interval(1, { onOverflow: 'drop' }).pipe(switchMap((x) => of(x)), take(n)),
}));
