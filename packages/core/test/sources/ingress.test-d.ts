import type { EventEmitter } from 'node:events';
import { expectTypeOf } from 'vitest';
import type { Flow } from '../../src/Flow';
import type { DropReason } from '../../src/internal/ExpiringBuffer';
import { onBackpressureBuffer } from '../../src/operators/onBackpressureBuffer';
import { retry, retryBudget } from '../../src/operators/retry';
import { create } from '../../src/sources/create';
import { createQueue, type OfferOutcome } from '../../src/sources/createQueue';
import { fromEvent } from '../../src/sources/fromEvent';
import { range } from '../../src/sources/range';

// Type tests (checked by `tsc`, not run): the ingress API keeps the element type and names its outcomes.
interface Job { id: number }
const queue = createQueue<Job>({ capacity: 4, maxAge: 100, onDrop: (job, reason) => { expectTypeOf(job).toEqualTypeOf<Job>(); expectTypeOf(reason).toEqualTypeOf<DropReason>(); } });
expectTypeOf(queue.flow).toEqualTypeOf<Flow<Job>>();
expectTypeOf(queue.offer({ id: 1 }, { signal: new AbortController().signal })).toEqualTypeOf<OfferOutcome>();
expectTypeOf<OfferOutcome>().toEqualTypeOf<'accepted' | 'shed' | 'aborted' | 'closed'>();
// @ts-expect-error an item of another type
queue.offer('job');

declare const emitter: EventEmitter;
expectTypeOf(fromEvent<Buffer>(emitter, 'data', { overflow: 'error' })).toEqualTypeOf<Flow<Buffer>>();
expectTypeOf(fromEvent(new EventTarget(), 'ping', { overflow: 'latest', select: (e: Event) => e.type })).toEqualTypeOf<Flow<string>>();
// @ts-expect-error overflow is required
fromEvent(emitter, 'data', {});
// @ts-expect-error 'block' cannot slow events down
fromEvent(emitter, 'data', { overflow: 'block' });

expectTypeOf(create<number>(() => {}, { maxAge: 10, onDrop: (_n, reason) => reason === 'expired' })).toEqualTypeOf<Flow<number>>();
expectTypeOf(range(0, 3).pipe(onBackpressureBuffer({ maxAge: 5, onDrop: (n: number) => n }))).toEqualTypeOf<Flow<number>>();
const budget = retryBudget({ ratio: 0.1 });
expectTypeOf(range(0, 3).pipe(retry({ budget, when: (error, attempt) => (error.message === 'busy' ? attempt * 100 : false) }))).toEqualTypeOf<Flow<number>>();
// @ts-expect-error when returns a boolean or a wait
retry({ when: () => 'soon' });
