import { expectTypeOf } from 'vitest';
import type { Flow } from '../../src/Flow';
import { buffer } from '../../src/operators/buffer';
import { concat } from '../../src/sources/concat';
import { concatMap } from '../../src/operators/concatMap';
import { merge } from '../../src/sources/merge';
import { flatMap, mergeMap } from '../../src/operators/mergeMap';
import { zip } from '../../src/sources/zip';
import { range } from '../../src/sources/range';
import type { Publisher } from '../../src/spec/Publisher';

// Type tests (checked by `tsc`, not run): what the flattening and combining operators infer.
const numbers = range(0, 3);
declare const strings: Publisher<string>;

expectTypeOf(numbers.pipe(mergeMap((x) => range(x, 2)))).toEqualTypeOf<Flow<number>>();
expectTypeOf(numbers.pipe(flatMap(() => strings))).toEqualTypeOf<Flow<string>>();
expectTypeOf(numbers.pipe(concatMap((x, i) => (expectTypeOf(i).toEqualTypeOf<number>(), strings)))).toEqualTypeOf<Flow<string>>();
expectTypeOf(numbers.pipe(buffer(2))).toEqualTypeOf<Flow<number[]>>();
expectTypeOf(zip(numbers, strings)).toEqualTypeOf<Flow<[number, string]>>();
expectTypeOf(merge(numbers, range(1, 2))).toEqualTypeOf<Flow<number>>();
expectTypeOf(concat(numbers, range(1, 2))).toEqualTypeOf<Flow<number>>();
