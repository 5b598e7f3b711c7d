import { range, share } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// share: the first subscriber connects the source, the last one out cancels it.
publisherVerification('share', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(share({ prefetch: 16 })),
}));
