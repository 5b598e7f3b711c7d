import { createSink } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// createSink: an application producer that awaits room for each item (the slowest subscriber paces it). A subscriber
// runs at most one item ahead of the slowest, so the optional one-by-one multicast test (which needs a subscriber two
// items ahead of one without demand) is skipped as not implemented.
publisherVerification('createSink', coreOptions({
  createPublisher: (n) => {
    const sink = createSink<number>({ capacity: 16 });
    void (async () => {
      for (let i = 0; i < count(n); i++) await sink.offer(i);
      sink.complete();
    })();
    return sink.flow;
  },
}));
