import { create } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// create: a producer that awaits room for each item.
publisherVerification('create', coreOptions({
  createPublisher: (n) => create<number>(async (emitter) => {
    for (let i = 0; i < count(n); i++) await emitter.offer(i);
    emitter.complete();
  }),
}));
