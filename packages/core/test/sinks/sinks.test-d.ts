import { expectTypeOf } from 'vitest';
import { range } from '../../src/sources/range';
import { consume, type ConsumeHandle } from '../../src/sinks/consume';
import { firstValue } from '../../src/sinks/firstValue';
import { forEach } from '../../src/sinks/forEach';
import { lastValue } from '../../src/sinks/lastValue';
import { toArray } from '../../src/sinks/toArray';
import { toAsyncIterable, type FlowAsyncIterator } from '../../src/sinks/toAsyncIterable';

// Type tests (checked by `tsc`, not run): what each sink's overloads infer.
const numbers = range(0, 3);

expectTypeOf(firstValue(numbers)).toEqualTypeOf<Promise<number>>();
expectTypeOf(firstValue(numbers, { signal: new AbortController().signal })).toEqualTypeOf<Promise<number>>();
expectTypeOf(firstValue(numbers, { defaultValue: 'none' as const })).toEqualTypeOf<Promise<number | 'none'>>();
expectTypeOf(lastValue(numbers, { defaultValue: undefined })).toEqualTypeOf<Promise<number | undefined>>();
expectTypeOf(toArray(numbers)).toEqualTypeOf<Promise<number[]>>();
expectTypeOf(forEach(numbers, async (x) => void x)).toEqualTypeOf<Promise<void>>();
expectTypeOf(consume(numbers, (x) => expectTypeOf(x).toEqualTypeOf<number>())).toEqualTypeOf<ConsumeHandle>();
expectTypeOf(toAsyncIterable(numbers)[Symbol.asyncIterator]()).toEqualTypeOf<FlowAsyncIterator<number>>();
expectTypeOf(numbers[Symbol.asyncIterator]()).toEqualTypeOf<FlowAsyncIterator<number>>();

// @ts-expect-error a `request` number is not an initial-demand keyword
consume(numbers, { initialRequest: 'all' });
