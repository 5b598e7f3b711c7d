import { finalize, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// finalize: a pass-through stage whose callback runs once at the end (here it does nothing).
publisherVerification('finalize', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(finalize(() => {})),
}));
