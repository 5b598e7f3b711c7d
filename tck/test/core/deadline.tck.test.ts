import { deadline, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// deadline: as timeout.
publisherVerification('deadline', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(deadline(60_000)),
}));
