import { delay, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// delay: every element one millisecond late (real timers).
publisherVerification('delay', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(delay(1)),
}));
