import { bufferTime, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// bufferTime: buffers of two from a synchronous range fill before their time is up, and upstream is asked only
// while downstream has demand, so each requested buffer comes out at once (no buffer ever closes unrequested).
publisherVerification('bufferTime', coreOptions({
  createPublisher: (n) => range(0, count(n) * 2).pipe(bufferTime(1_000, 2)),
}));
