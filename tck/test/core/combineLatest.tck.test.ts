import { combineLatest, map, of, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// combineLatest: one constant source, so each element of the other yields one combination.
publisherVerification('combineLatest', coreOptions({
  createPublisher: (n) => combineLatest(of(0), range(0, count(n))).pipe(map(([, b]) => b)),
}));
