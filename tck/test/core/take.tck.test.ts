import { range, take } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// take: one TCK run per factory (RxJava's per-operator TCK classes).
publisherVerification('take', coreOptions({
  createPublisher: (n) => range(0, Infinity).pipe(take(count(n))),
}));
