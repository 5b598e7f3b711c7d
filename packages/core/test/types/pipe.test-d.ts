import { expectTypeOf } from 'vitest';
import {
  concat, filter, Flow, map, merge, MetricsRegistry, of, pipe, publish, range, replay, scan, share, take,
  type ConnectableFlow, type Operator, type SharedFlow,
} from '../../src/index';

// Type tests (checked by `tsc` in `pnpm typecheck`, not run): every `@ts-expect-error` below must be an error, so a
// regression that lets a mismatched chain compile fails the build.

const numbers = range(0, 3);
const inc = map((x: number) => x + 1);

// ---- every position of Flow.pipe is checked ----------------------------------------------------------------------
// @ts-expect-error a string filter on a Flow<number>, first position
numbers.pipe(filter((s: string) => s.length > 0));
// @ts-expect-error the mismatch in the tenth position
numbers.pipe(inc, inc, inc, inc, inc, inc, inc, inc, inc, filter((s: string) => s.length > 0));
// @ts-expect-error the mismatch in the sixteenth position, the last with full contextual typing
numbers.pipe(inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, filter((s: string) => s.length > 0));
// @ts-expect-error the mismatch in the nineteenth position of a 20-operator chain (the checked variadic form)
numbers.pipe(inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, filter((s: string) => s.length > 0), inc);
// @ts-expect-error a union does not slip through: number | string is not a string
numbers.pipe(map((x): number | string => x), filter((s: string) => s.length > 0));

// ---- the element type survives long chains ----------------------------------------------------------------------
expectTypeOf(numbers.pipe()).toEqualTypeOf<Flow<number>>();
expectTypeOf(numbers.pipe(map((x) => `${x}`))).toEqualTypeOf<Flow<string>>();
expectTypeOf(
  numbers.pipe(map((x) => x * 2), filter((x) => x > 1), map((x) => `${x}`), map((s) => s.length), take(2), scan((a, b) => a + b, 0)),
).toEqualTypeOf<Flow<number>>();
expectTypeOf(
  numbers.pipe(inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, map((x: number) => `${x}`)),
).toEqualTypeOf<Flow<string>>();
// full contextual typing up to 16 positions: `x` is inferred from the stage before
expectTypeOf(
  numbers.pipe(inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, map((x) => x.toFixed(1))),
).toEqualTypeOf<Flow<string>>();

// ---- an operator's result type comes through pipe as it is --------------------------------------------------------
expectTypeOf(numbers.pipe(publish())).toEqualTypeOf<ConnectableFlow<number>>();
expectTypeOf(numbers.pipe(map((x) => x + 1), publish()).connect).toBeFunction();
expectTypeOf(numbers.pipe(replay(2)).connect).toBeFunction();
expectTypeOf(numbers.pipe(share())).toEqualTypeOf<SharedFlow<number>>();
new MetricsRegistry().register('s', numbers.pipe(share()));
new MetricsRegistry().register('p', numbers.pipe(publish()));

// ---- sources of several inputs emit the union of their inputs -----------------------------------------------------
expectTypeOf(concat(range(0, 2), of('x'))).toEqualTypeOf<Flow<number | string>>();
expectTypeOf(merge(range(0, 2), of('x'), of(true))).toEqualTypeOf<Flow<number | string | boolean>>();
expectTypeOf(concat(range(0, 2), range(5, 2))).toEqualTypeOf<Flow<number>>();
expectTypeOf(of()).toEqualTypeOf<Flow<never>>();

// ---- Publisher and Subscriber are checked in both directions (no method bivariance) -------------------------------
const wide: Flow<number | string> = numbers; // covariant: a Flow<number> is a Flow<number | string>
void wide;
// @ts-expect-error a Flow<number | string> is not a Flow<number>
const narrow: Flow<number> = concat(range(0, 2), of('x'));
void narrow;

// ---- the standalone pipe names a reusable chain, typed the same way ----------------------------------------------
const evensDoubled = pipe(filter((x: number) => x % 2 === 0), map((x) => x * 2));
expectTypeOf(evensDoubled).toMatchTypeOf<Operator<number, number>>();
expectTypeOf(numbers.pipe(evensDoubled, map((x) => `${x}`))).toEqualTypeOf<Flow<string>>();
expectTypeOf(pipe(map((x: number) => x), publish())).returns.toEqualTypeOf<ConnectableFlow<number>>();
// @ts-expect-error the standalone pipe checks its positions too
pipe(map((x: number) => `${x}`), filter((x: number) => x > 0));
// @ts-expect-error a reusable chain of strings does not fit a Flow<number>
numbers.pipe(pipe(filter((s: string) => s.length > 0)));
