import { create, range, skipUntil, tap, type CreateEmitter } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// skipUntil: the notifier fires when the source's element 0 passes the tap in front of skipUntil, so the three
// leading negatives are dropped (each replaced by a request(1) upstream) and exactly the n elements 0..n-1 pass.
publisherVerification('skipUntil', coreOptions({
  createPublisher: (n) => {
    let gate: CreateEmitter<number> | null = null;
    const notifier = create<number>((emitter) => { gate = emitter; });
    return range(-3, count(n) + 3).pipe(tap((x) => { if (x === 0) gate?.next(0); }), skipUntil(notifier));
  },
}));
