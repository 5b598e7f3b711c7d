import { never, race, range, timer } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// race: the winner is the source that signals first (range, synchronously); the losers (a silent publisher and a
// timer far in the future) are cancelled and must not disturb demand or completion.
publisherVerification('race', coreOptions({
  createPublisher: (n) => race(never<number>(), range(0, count(n)), timer(60_000)),
}));
