import { concat, defer, fail, range, retry } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// retry: the first two subscriptions emit one element and fail; the third emits the n elements. Demand carries
// over, so the element of each failed attempt counts: 2 + (n - 2) = n (retries with a 1 ms backoff, real timers).
publisherVerification('retry', coreOptions({
  createPublisher: (n) => {
    let attempts = 0;
    const source = defer(() => (attempts++ < Math.min(2, n) ? concat(range(-1, 1), fail<number>(new Error('flaky'))) : range(0, count(n) - Math.min(2, n))));
    return source.pipe(retry({ count: 2, backoff: { initialMs: 1, jitter: 0 } }));
  },
}));
