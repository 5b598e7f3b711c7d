import { expectTypeOf } from 'vitest';
import type { Flow } from '../../src/Flow';
import { deadline } from '../../src/operators/deadline';
import { delay } from '../../src/operators/delay';
import { observeOn } from '../../src/operators/observeOn';
import { subscribeOn } from '../../src/operators/subscribeOn';
import { timeout, TimeoutError } from '../../src/operators/timeout';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { of } from '../../src/sources/of';
import { range } from '../../src/sources/range';

// Type tests (checked by `tsc`, not run): the async-boundary and time operators keep the element type through pipe.
const clock = new VirtualTimeScheduler();
const numbers = range(0, 3);

expectTypeOf(numbers.pipe(observeOn(clock, { prefetch: 8 }))).toEqualTypeOf<Flow<number>>();
expectTypeOf(numbers.pipe(subscribeOn(clock))).toEqualTypeOf<Flow<number>>();
expectTypeOf(numbers.pipe(delay(5, { scheduler: clock }))).toEqualTypeOf<Flow<number>>();
expectTypeOf(numbers.pipe(timeout(5, { scheduler: clock, fallback: of(1) }))).toEqualTypeOf<Flow<number>>();
expectTypeOf(numbers.pipe(deadline(5))).toEqualTypeOf<Flow<number>>();
expectTypeOf(numbers.pipe(observeOn(clock), delay(1), timeout(2), deadline(3), subscribeOn(clock))).toEqualTypeOf<Flow<number>>();
expectTypeOf<TimeoutError['ms']>().toEqualTypeOf<number>();
