import { onBackpressureBuffer, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// onBackpressureBuffer: one TCK run per factory (RxJava's per-operator TCK classes).
publisherVerification('onBackpressureBuffer', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(onBackpressureBuffer()),
}));
