import { range, reduce, skip } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions } from './base';

// reduce: one sum, or nothing when the seed is skipped.
publisherVerification('reduce', coreOptions({
  maxElementsFromPublisher: 1,
  createPublisher: (n) => (n === 0
    ? range(0, 0).pipe(reduce((a, x) => a + x, 0), skip(1))
    : range(0, 10).pipe(reduce((a, x) => a + x, 0))),
}));
