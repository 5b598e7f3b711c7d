import { filter, map, take } from '@sluice/core';
import { toTransform } from '../src/toTransform';

// Type tests (checked by `tsc`, not run): toTransform checks its chain position by position.
toTransform(map((chunk: string) => chunk.toUpperCase()), filter((s) => s.length > 0), take(3));
toTransform({ objectMode: true }, map((chunk: string) => chunk.length), map((n) => n * 2));
toTransform();
// @ts-expect-error the second operator expects numbers, the first emits strings
toTransform(map((chunk: string) => chunk.toUpperCase()), filter((n: number) => n > 0));
// @ts-expect-error the same with options first
toTransform({ objectMode: true }, map((chunk: string) => chunk.toUpperCase()), filter((n: number) => n > 0));
