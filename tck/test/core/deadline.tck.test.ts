import { deadline, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// deadline: a whole-stream budget far beyond any TCK test; cancel and termination withdraw its timer.
publisherVerification('deadline', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(deadline(10_000)),
}));
