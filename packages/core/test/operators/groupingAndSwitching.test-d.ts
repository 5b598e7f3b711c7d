import { expectTypeOf } from 'vitest';
import type { Flow } from '../../src/Flow';
import { combineLatest } from '../../src/sources/combineLatest';
import { exhaustMap } from '../../src/operators/exhaustMap';
import { groupBy, type GroupedFlow } from '../../src/operators/groupBy';
import { mergeMap } from '../../src/operators/mergeMap';
import { switchMap } from '../../src/operators/switchMap';
import { window } from '../../src/operators/window';
import { range } from '../../src/sources/range';
import type { Publisher } from '../../src/spec/Publisher';

// Type tests (checked by `tsc`, not run): what switchMap, exhaustMap, groupBy, window and combineLatest infer.
const numbers = range(0, 3);
declare const strings: Publisher<string>;

expectTypeOf(numbers.pipe(switchMap(() => strings))).toEqualTypeOf<Flow<string>>();
expectTypeOf(numbers.pipe(exhaustMap((x, i) => (expectTypeOf(i).toEqualTypeOf<number>(), range(x, 2))))).toEqualTypeOf<Flow<number>>();
expectTypeOf(numbers.pipe(groupBy((x) => (x % 2 === 0 ? 'even' : 'odd')))).toEqualTypeOf<Flow<GroupedFlow<'even' | 'odd', number>>>();
expectTypeOf(numbers.pipe(groupBy((x) => x % 2), mergeMap((g) => (expectTypeOf(g.key).toEqualTypeOf<number>(), g)))).toEqualTypeOf<Flow<number>>();
expectTypeOf(numbers.pipe(window(2))).toEqualTypeOf<Flow<Flow<number>>>();
expectTypeOf(combineLatest(numbers, strings)).toEqualTypeOf<Flow<[number, string]>>();
