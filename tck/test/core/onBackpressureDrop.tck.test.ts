import { interval, onBackpressureDrop, take } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// onBackpressureDrop: dropping by design, so behind a synchronous source nothing would survive until the first request: it sits on a ticking source and take(n) counts what got through.
publisherVerification('onBackpressureDrop', coreOptions({
  createPublisher: (n) => count(n) === Infinity ? interval(1).pipe(onBackpressureDrop()) : interval(1).pipe(onBackpressureDrop(), take(n)),
}));
