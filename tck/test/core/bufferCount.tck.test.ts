import { bufferCount, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// bufferCount: n buffers of 2 from 2n items; then sliding arrays (size 3, every 1): n items
// open n arrays, the last two of them partial at completion.
publisherVerification('bufferCount', coreOptions({
  createPublisher: (n) => range(0, count(n) * 2).pipe(bufferCount(2)),
}));

publisherVerification('bufferCount (sliding)', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(bufferCount(3, 1)),
}));
