import { describe, expect, it } from 'vitest';
import { pipe } from '../../src/operators/pipe';
import { filter } from '../../src/operators/filter';
import { map } from '../../src/operators/map';
import { take } from '../../src/operators/take';
import { range } from '../../src/sources/range';
import { Flow } from '../../src/Flow';
import type { Publisher } from '../../src/spec/Publisher';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';

describe('pipe (standalone)', () => {
  it('composes operators left to right into one reusable operator', () => {
    const evensDoubled = pipe(filter((x: number) => x % 2 === 0), map((x) => x * 10));
    const a = new TestSubscriber<number>('unbounded');
    range(0, 6).pipe(evensDoubled).subscribe(a);
    expect(a.values).toEqual([0, 20, 40]);
    // the same composed operator serves a second, independent chain
    const b = new TestSubscriber<number>('unbounded');
    range(10, 3).pipe(evensDoubled, take(1)).subscribe(b);
    expect(b.values).toEqual([100]);
  });

  it('adds no stage of its own: demand reaches the source exactly', () => {
    const source = new TestPublisher<number>();
    const s = new TestSubscriber<number>(3);
    pipe(map((x: number) => x + 1))(source).subscribe(s);
    expect(source.requests).toEqual([3]);
    source.next(1);
    expect(s.values).toEqual([2]);
  });

  it('with no operators returns the source as a Flow', () => {
    const flow = range(0, 2);
    expect(pipe<number>()(flow)).toBe(flow);
    const foreign: Publisher<number> = { subscribe: (subscriber) => range(5, 1).subscribe(subscriber) };
    const adapted = pipe<number>()(foreign);
    expect(adapted).toBeInstanceOf(Flow);
    const s = new TestSubscriber<number>('unbounded');
    adapted.subscribe(s);
    expect(s.values).toEqual([5]);
  });

  it('rejects a non-function at assembly, naming its position', () => {
    expect(() => (pipe as (...ops: unknown[]) => unknown)(map((x: number) => x), 42)).toThrow(
      new TypeError('pipe: expected operator functions, got number at position 1'),
    );
  });
});
