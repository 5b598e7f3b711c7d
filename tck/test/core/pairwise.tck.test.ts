import { pairwise, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// pairwise: n + 1 source items make n pairs (the first item only primes the pair; pairwise asks for it up front).
publisherVerification('pairwise', coreOptions({
  createPublisher: (n) => range(0, count(n) + 1).pipe(pairwise()),
}));
