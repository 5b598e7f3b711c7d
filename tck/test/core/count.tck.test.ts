import { count, range, skip } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions } from './base';

// count: one number (of all items, or of the matching ones); the empty publisher skips it.
publisherVerification('count', coreOptions({
  maxElementsFromPublisher: 1,
  createPublisher: (n) => (n === 0 ? range(0, 5).pipe(count(), skip(1)) : range(0, 10).pipe(count((x) => x % 3 === 0))),
}));
