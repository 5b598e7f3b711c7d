import { from } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count, naturals } from './base';

// from: a re-iterable, so every subscriber gets its own iterator.
publisherVerification('from', coreOptions({
  createPublisher: (n) => from({ [Symbol.iterator]: () => naturals(count(n)) }),
}));
