import { empty, timer } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions } from './base';

// timer: one tick, then completion.
publisherVerification('timer', coreOptions({
  maxElementsFromPublisher: 1, createPublisher: (n) => n === 0 ? empty<number>() : timer(1),
}));
