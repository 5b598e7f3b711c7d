import { range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// fail: fail() is the failed publisher (see base.ts); the tests that use it are §1.4 and §1.9.
publisherVerification('fail', coreOptions({
  only: ['1.4', '1.9'], createPublisher: (n) => range(0, count(n)),
}));
