import { range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// range: the source every other file builds on.
publisherVerification('range', coreOptions({
  createPublisher: (n) => range(0, count(n)),
}));
