import { buffer, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// buffer: pairs.
publisherVerification('buffer', coreOptions({
  createPublisher: (n) => range(0, count(n) * 2).pipe(buffer(2)),
}));
