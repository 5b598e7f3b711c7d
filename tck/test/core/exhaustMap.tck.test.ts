import { exhaustMap, interval, of, take } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// exhaustMap: as switchMap, it ignores outer values while an inner is active (by design): a ticking outer, take(n) after it.
publisherVerification('exhaustMap', coreOptions({
  createPublisher: (n) => count(n) === Infinity
    ? interval(1, { onOverflow: 'drop' }).pipe(exhaustMap((x) => of(x)))
    : interval(1, { onOverflow: 'drop' }).pipe(exhaustMap((x) => of(x)), take(n)),
}));
