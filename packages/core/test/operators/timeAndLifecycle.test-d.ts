import { expectTypeOf } from 'vitest';
import type { Flow } from '../../src/Flow';
import { bufferTime } from '../../src/operators/bufferTime';
import { debounce } from '../../src/operators/debounce';
import { endWith } from '../../src/operators/endWith';
import { finalize, type FinalSignal } from '../../src/operators/finalize';
import { repeat } from '../../src/operators/repeat';
import { retry } from '../../src/operators/retry';
import { sample } from '../../src/operators/sample';
import { startWith } from '../../src/operators/startWith';
import { throttle } from '../../src/operators/throttle';
import { using } from '../../src/operators/using';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { range } from '../../src/sources/range';

// Type tests (checked by `tsc`, not run): the time and lifecycle operators keep or widen the element type as documented.
const clock = new VirtualTimeScheduler();
const numbers = range(0, 3);

expectTypeOf(numbers.pipe(bufferTime(10, 5, { scheduler: clock }))).toEqualTypeOf<Flow<number[]>>();
expectTypeOf(numbers.pipe(sample(10, { scheduler: clock, onOverflow: 'drop' }))).toEqualTypeOf<Flow<number>>();
expectTypeOf(numbers.pipe(throttle(10, { leading: false, trailing: true }))).toEqualTypeOf<Flow<number>>();
expectTypeOf(numbers.pipe(debounce(10))).toEqualTypeOf<Flow<number>>();
expectTypeOf(numbers.pipe(startWith('a'))).toEqualTypeOf<Flow<string | number>>();
expectTypeOf(numbers.pipe(endWith(true))).toEqualTypeOf<Flow<number | boolean>>();
expectTypeOf(numbers.pipe(repeat(2), retry({ count: 1, backoff: { initialMs: 5 } }))).toEqualTypeOf<Flow<number>>();
expectTypeOf(numbers.pipe(finalize((signal) => expectTypeOf(signal).toEqualTypeOf<FinalSignal>()))).toEqualTypeOf<Flow<number>>();
expectTypeOf(using(() => ({ id: 1 }), (resource) => range(resource.id, 2), (resource) => void resource.id)).toEqualTypeOf<Flow<number>>();
// @ts-expect-error sample has no 'block' overflow: time does not wait
sample(10, { onOverflow: 'block' });
