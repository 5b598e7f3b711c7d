import { broadcast, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// broadcast with a 'block' subscriber: the source is paced by it, so nothing is dropped and every rule holds.
publisherVerification('broadcast', coreOptions({
  createPublisher: (n) => broadcast(range(0, count(n)), { overflow: 'block', capacity: 8, prefetch: 16 }),
}));
