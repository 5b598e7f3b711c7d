import { limitRate, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// limitRate: one TCK run per factory (RxJava's per-operator TCK classes).
publisherVerification('limitRate', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(limitRate(4)),
}));
