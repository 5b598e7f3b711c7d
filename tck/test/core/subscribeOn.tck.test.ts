import { macrotaskScheduler, range, subscribeOn } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// subscribeOn: the subscription and every later request run on setImmediate turns.
publisherVerification('subscribeOn', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(subscribeOn(macrotaskScheduler)),
}));
