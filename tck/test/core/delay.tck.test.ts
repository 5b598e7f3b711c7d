import { delay, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// delay: each item 1 ms later on real timers, at most 4 waiting at once.
publisherVerification('delay', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(delay(1, { capacity: 4 })),
}));
