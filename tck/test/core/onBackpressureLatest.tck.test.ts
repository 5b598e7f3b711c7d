import { interval, onBackpressureLatest, take } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// onBackpressureLatest: as onBackpressureDrop: on a ticking source.
publisherVerification('onBackpressureLatest', coreOptions({
  createPublisher: (n) => count(n) === Infinity ? interval(1).pipe(onBackpressureLatest()) : interval(1).pipe(onBackpressureLatest(), take(n)),
}));
