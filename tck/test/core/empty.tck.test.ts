import { empty } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions } from './base';

// empty: only the tests with 0 elements can run.
publisherVerification('empty', coreOptions({
  maxElementsFromPublisher: 0, createPublisher: (n) => empty<number>(),
}));
