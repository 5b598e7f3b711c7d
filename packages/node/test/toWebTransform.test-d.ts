import { filter, map, take } from '@sluice/core';
import { fromWebTransform, toWebTransform, type WebTransformPair } from '../src/toWebTransform';

// Type tests (checked by `tsc`, not run): toWebTransform checks its chain and types both sides.
const pair: WebTransformPair<string, number> = toWebTransform(map((chunk: string) => chunk.length), filter((n) => n > 0), take(3));
const withOptions: WebTransformPair<string, string> = toWebTransform({ readableStrategy: { highWaterMark: 4 } }, map((s: string) => s.trim()));
const identity: WebTransformPair<number, number> = toWebTransform<number>();
// pipeThrough accepts the pair and keeps the output type
const lengths: ReadableStream<number> = new ReadableStream<string>().pipeThrough(toWebTransform(map((s: string) => s.length)));
// @ts-expect-error the second operator expects numbers, the first emits strings
toWebTransform(map((chunk: string) => chunk.toUpperCase()), filter((n: number) => n > 0));
// @ts-expect-error the output is a number, not a string
const wrong: WebTransformPair<string, string> = toWebTransform(map((chunk: string) => chunk.length));
// fromWebTransform is an Operator<I, O> typed by the pair
const decode = fromWebTransform(() => new TextDecoderStream() as unknown as WebTransformPair<Uint8Array, string>);
void [pair, withOptions, identity, lengths, wrong, decode];
