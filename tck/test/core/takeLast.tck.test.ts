import { range, takeLast } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions } from './base';

// takeLast: the last n of n + 5 items. takeLast reads its source to the end, so it cannot stand for an unbounded
// publisher: the element count is bounded (the tests that need an unbounded publisher are skipped).
publisherVerification('takeLast', coreOptions({
  maxElementsFromPublisher: 4096,
  createPublisher: (n) => range(0, n + 5).pipe(takeLast(n)),
}));
