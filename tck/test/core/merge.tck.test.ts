import { merge, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// merge: two halves.
publisherVerification('merge', coreOptions({
  createPublisher: (n) => count(n) === Infinity ? merge(range(0, Infinity)) : merge(range(0, n >> 1), range(n >> 1, n - (n >> 1))),
}));
