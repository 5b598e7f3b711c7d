import { concat, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// concat: two halves.
publisherVerification('concat', coreOptions({
  createPublisher: (n) => count(n) === Infinity ? concat(range(0, Infinity)) : concat(range(0, n >> 1), range(n >> 1, n - (n >> 1))),
}));
