import { debounce, interval, microtaskScheduler, take } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// debounce: a 1 ms tick source (debounce asks it for unbounded demand, so nothing drops there) and a quiet period
// of one microtask, so every tick comes out (or waits, as the latest, for demand); take(n) bounds the count.
publisherVerification('debounce', coreOptions({
  createPublisher: (n) => interval(1, { onOverflow: 'drop' }).pipe(debounce(0, { scheduler: microtaskScheduler }), take(count(n))),
}));
