import { describe, expect, it } from 'vitest';
import { toFlow } from '../../src/internal/lift';
import { expand, ExpandDepthError } from '../../src/operators/expand';
import { empty } from '../../src/sources/empty';
import { fail } from '../../src/sources/fail';
import { of } from '../../src/sources/of';
import { range } from '../../src/sources/range';
import type { Publisher } from '../../src/spec/Publisher';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';

const doubleBelow = (limit: number) => (x: number): Publisher<number> => (x * 2 < limit ? of(x * 2) : empty());

describe('expand', () => {
  operatorContract('expand', {
    apply: (source) => expand<number>(() => empty())(source),
    applyThrowing: (source) => expand<number>(() => { throw new Error('boom'); })(source),
  });

  it('emits each item, then its expansion, recursively until the projections are empty', () => {
    const s = new TestSubscriber<number>('unbounded');
    of(1).pipe(expand(doubleBelow(10))).subscribe(s);
    expect(s.values).toEqual([1, 2, 4, 8]);
    expect(s.completed).toBe(true);
  });

  it('is depth first: an item\'s whole expansion comes before its next sibling', () => {
    const children = (x: string): Publisher<string> => (x.length < 3 ? of(`${x}1`, `${x}2`) : empty());
    const s = new TestSubscriber<string>('unbounded');
    of('a', 'b').pipe(expand(children)).subscribe(s);
    expect(s.values).toEqual(['a', 'a1', 'a11', 'a12', 'a2', 'a21', 'a22', 'b', 'b1', 'b11', 'b12', 'b2', 'b21', 'b22']);
  });

  it('asks for one item at a time, only while downstream has credit', () => {
    const source = new TestPublisher<number>();
    const inner = new TestPublisher<number>();
    const s = new TestSubscriber<number>();
    toFlow(source).pipe(expand((x) => (x === 1 ? inner : empty()))).subscribe(s);
    expect(source.requests).toEqual([]);
    s.request(2);
    expect(source.requests).toEqual([1]);
    source.next(1);
    expect(s.values).toEqual([1]);
    // the inner is the deepest live publisher: it is asked, the source waits
    expect(inner.requests).toEqual([1]);
    expect(source.requests).toEqual([1]);
    inner.next(10);
    expect(s.values).toEqual([1, 10]);
    // downstream credit is used up: nothing is asked until it requests again
    expect(inner.requests).toEqual([1]);
    inner.complete();
    expect(source.requests).toEqual([1]);
    s.request(1);
    expect(source.requests).toEqual([1, 1]);
    source.next(2);
    source.complete();
    expect(s.values).toEqual([1, 10, 2]);
    expect(s.completed).toBe(true);
    expect(s.violations).toEqual([]);
  });

  it('walks a long chain of one-item inners (pagination) without growing its depth', () => {
    const s = new TestSubscriber<number>('unbounded');
    of(0).pipe(expand((x) => (x < 5_000 ? of(x + 1) : empty()), { maxDepth: 3 })).subscribe(s);
    expect(s.values.length).toBe(5_001);
    expect(s.values[5_000]).toBe(5_000);
    expect(s.completed).toBe(true);
  });

  it('fails with ExpandDepthError when an item would be expanded past maxDepth, and cancels every live publisher', () => {
    const source = new TestPublisher<number>();
    const inners: TestPublisher<number>[] = [];
    const s = new TestSubscriber<number>('unbounded');
    toFlow(source).pipe(expand(() => { const p = new TestPublisher<number>(); inners.push(p); return p; }, { maxDepth: 3 })).subscribe(s);
    source.next(0);
    inners[0]!.next(1);
    // source + 2 inners are live: a third inner would be depth 4
    inners[1]!.next(2);
    expect(s.error).toBeInstanceOf(ExpandDepthError);
    expect((s.error as ExpandDepthError).maxDepth).toBe(3);
    expect(s.error!.message).toMatch(/^expand: maxDepth 3 reached/);
    expect(s.values).toEqual([0, 1, 2]);
    expect(inners.length).toBe(2);
    expect(source.cancelled).toBe(true);
    expect(inners.every((p) => p.cancelled)).toBe(true);
  });

  it('signals an inner error and cancels the source', () => {
    const source = new TestPublisher<number>();
    const s = new TestSubscriber<number>('unbounded');
    const boom = new Error('inner');
    toFlow(source).pipe(expand(() => fail<number>(boom))).subscribe(s);
    source.next(1);
    expect(s.values).toEqual([1]);
    expect(s.error).toBe(boom);
    expect(source.cancelled).toBe(true);
  });

  it('fails with a TypeError when project returns null or a non-Publisher', () => {
    for (const bad of [null, 42]) {
      const s = new TestSubscriber<number>('unbounded');
      range(0, 3).pipe(expand(() => bad as unknown as Publisher<number>)).subscribe(s);
      expect(s.values).toEqual([0]);
      expect(s.error).toBeInstanceOf(TypeError);
    }
  });

  it('passes the running index to project', () => {
    const seen: number[] = [];
    const s = new TestSubscriber<number>('unbounded');
    of(1).pipe(expand((x, i) => { seen.push(i); return x < 3 ? of(x + 1) : empty(); })).subscribe(s);
    expect(seen).toEqual([0, 1, 2]);
  });

  it('validates its arguments at assembly', () => {
    expect(() => expand(null as never)).toThrow(TypeError);
    expect(() => expand(() => empty(), { maxDepth: 0 })).toThrow(/expand: maxDepth must be a positive integer/);
  });

  it('cancels the source and every live inner on cancel, and delivers nothing after', () => {
    const source = new TestPublisher<number>();
    const inner = new TestPublisher<number>();
    const s = new TestSubscriber<number>('unbounded');
    toFlow(source).pipe(expand(() => inner)).subscribe(s);
    source.next(1);
    s.cancel();
    expect(source.cancelled).toBe(true);
    expect(inner.cancelled).toBe(true);
    expect(s.values).toEqual([1]);
    expect(s.terminated).toBe(false);
  });
});
