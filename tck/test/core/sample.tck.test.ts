import { interval, sample, take } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// sample: a 1 ms tick source sampled every 2 ms; samples that find no demand are dropped (the default 'error' would
// fail the stream by design when the TCK pauses between requests), so take(n) counts the ones that came out.
publisherVerification('sample', coreOptions({
  createPublisher: (n) => interval(1, { onOverflow: 'drop' }).pipe(sample(2, { onOverflow: 'drop' }), take(count(n))),
}));
