import { microtaskScheduler, observeOn, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// observeOn: a real microtask boundary with a small prefetch, so replenishing and per-tick batches are exercised.
publisherVerification('observeOn', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(observeOn(microtaskScheduler, { prefetch: 8 })),
}));
