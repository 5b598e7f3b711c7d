import { range, startWith } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// startWith: one prefix item before n - 1 items of a range (no prefix for n = 0).
publisherVerification('startWith', coreOptions({
  createPublisher: (n) => n === 0 ? range(0, 0).pipe(startWith<number>()) : range(1, count(n) - 1).pipe(startWith(0)),
}));
