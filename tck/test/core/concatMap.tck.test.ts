import { concatMap, of, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// concatMap: one TCK run per factory (RxJava's per-operator TCK classes).
publisherVerification('concatMap', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(concatMap((x) => of(x))),
}));
