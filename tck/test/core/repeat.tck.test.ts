import { range, repeat } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// repeat: a one-element source subscribed n times (repeat(0) completes at once, repeat(Infinity) never ends).
publisherVerification('repeat', coreOptions({
  createPublisher: (n) => range(0, 1).pipe(repeat(count(n))),
}));
