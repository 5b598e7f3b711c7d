import { macrotaskScheduler, range, subscribeOn } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// subscribeOn: subscription happens on a macrotask.
publisherVerification('subscribeOn', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(subscribeOn(macrotaskScheduler)),
}));
