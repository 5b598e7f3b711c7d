import { EventEmitter } from 'node:events';
import { defer, fromEvent, take } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

/** Up to this many events are emitted at once (the buffer holds them all); longer runs tick. */
const BURST = 1_024;

// fromEvent over an EventEmitter: a short run emits its events once the listener is attached (the buffer holds
// them all, take(n) ends the stream); a long or unbounded one emits a few per millisecond and drops what finds no
// room ('drop-newest'), as events that ignore demand must.
publisherVerification('fromEvent', coreOptions({
  createPublisher: (n) => defer(() => {
    const total = count(n);
    const ticking = total > BURST;
    const emitter = new EventEmitter();
    const flow = fromEvent<number>(emitter, 'item', { capacity: ticking ? 64 : Math.max(total, 1), overflow: 'drop-newest' });
    let next = 0;
    const tick = (): void => {
      if (emitter.listenerCount('item') === 0) return; // the subscriber left (or never came)
      const end = ticking ? Math.min(total, next + 4) : total;
      while (next < end) emitter.emit('item', next++);
      if (next < total) setTimeout(tick, 1);
    };
    setTimeout(tick, 0);
    return total === Infinity ? flow : flow.pipe(take(total));
  }),
}));
