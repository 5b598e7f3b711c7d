import { fromAsyncIterable } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count, naturals } from './base';

// fromAsyncIterable: an async generator per subscriber.
publisherVerification('fromAsyncIterable', coreOptions({
  createPublisher: (n) => fromAsyncIterable({ [Symbol.asyncIterator]: async function* () { yield* naturals(count(n)); } }),
}));
