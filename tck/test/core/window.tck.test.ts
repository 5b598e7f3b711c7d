import { concatMap, range, reduce, window } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// window: a window must be consumed before the next opens (bounded memory, by design), so each is reduced to its sum.
publisherVerification('window', coreOptions({
  createPublisher: (n) => range(0, count(n) * 2).pipe(window(2), concatMap((w) => w.pipe(reduce((a, x) => a + x, 0)))),
}));
