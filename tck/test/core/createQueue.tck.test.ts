import { createQueue, defer, finalize } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// createQueue: a producer that offers while desiredSize says there is room (polled each macrotask), one queue per
// subscriber (a queue serves one subscriber at a time); the pump stops when the subscriber leaves.
publisherVerification('createQueue', coreOptions({
  createPublisher: (n) => defer(() => {
    const total = count(n);
    const queue = createQueue<number>({ capacity: 8 });
    let next = 0;
    let stopped = false;
    const pump = (): void => {
      if (stopped) return;
      while (next < total && queue.desiredSize > 0) queue.offer(next++);
      if (next >= total) queue.complete();
      else setTimeout(pump, 0);
    };
    pump();
    return queue.flow.pipe(finalize(() => { stopped = true; }));
  }),
}));
