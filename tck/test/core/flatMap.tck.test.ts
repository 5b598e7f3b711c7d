import { flatMap, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// flatMap: one TCK run per factory (RxJava's per-operator TCK classes).
publisherVerification('flatMap', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(flatMap((x) => range(x, 1))),
}));
