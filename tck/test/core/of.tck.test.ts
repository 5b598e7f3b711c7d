import { of } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, naturals } from './base';

// of: of() takes its items as arguments, so the overflow test (2^31 - 1 elements) is skipped.
publisherVerification('of', coreOptions({
  maxElementsFromPublisher: 1024, createPublisher: (n) => of(...naturals(n)),
}));
