import { macrotaskScheduler, observeOn, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// observeOn: delivery hops to macrotasks.
publisherVerification('observeOn', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(observeOn(macrotaskScheduler)),
}));
