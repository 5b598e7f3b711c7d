import { range, using } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// using: a fresh (empty) resource per subscriber around a range, disposed when the subscription ends.
publisherVerification('using', coreOptions({
  createPublisher: (n) => using(() => ({ open: true }), () => range(0, count(n)), (resource) => { resource.open = false; }),
}));
