import { defer, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// defer: one TCK run per factory (RxJava's per-operator TCK classes).
publisherVerification('defer', coreOptions({
  createPublisher: (n) => defer(() => range(0, count(n))),
}));
