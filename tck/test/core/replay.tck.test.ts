import { range, replay } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// replay: verified through refCount; a history of 4 items for subscribers joining later.
publisherVerification('replay', coreOptions({
  createPublisher: (n) => replay<number>(4, { prefetch: 16 })(range(0, count(n))).refCount(),
}));
