import { concat, never, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// never: never() has neither elements nor completion: it runs behind concat, declared unable to complete.
publisherVerification('never', coreOptions({
  maxElementsFromPublisher: Number.MAX_SAFE_INTEGER, createPublisher: (n) => concat(range(0, count(n)), never<number>()),
}));
