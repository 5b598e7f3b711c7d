import { interval, take } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// interval: ticks that find no demand are dropped; the default 'error' would fail the stream by design.
publisherVerification('interval', coreOptions({
  createPublisher: (n) => count(n) === Infinity ? interval(1, { onOverflow: 'drop' }) : interval(1, { onOverflow: 'drop' }).pipe(take(n)),
}));
