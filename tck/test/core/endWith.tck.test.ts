import { endWith, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// endWith: n - 1 items of a range, then one appended item (nothing appended for n = 0).
publisherVerification('endWith', coreOptions({
  createPublisher: (n) => n === 0 ? range(0, 0).pipe(endWith<number>()) : range(0, count(n) - 1).pipe(endWith(-1)),
}));
