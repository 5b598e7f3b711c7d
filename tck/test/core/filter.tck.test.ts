import { filter, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// filter: one TCK run per factory (RxJava's per-operator TCK classes).
publisherVerification('filter', coreOptions({
  createPublisher: (n) => range(0, count(n) * 2).pipe(filter((x) => x % 2 === 0)),
}));
