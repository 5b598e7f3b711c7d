import { map, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// map: one TCK run per factory (RxJava's per-operator TCK classes).
publisherVerification('map', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(map((x) => x)),
}));
