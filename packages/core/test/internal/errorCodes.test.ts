import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bufferTime, CancellationError, create, createQueue, deadline, expand, ExpandDepthError, fail, firstValue, Flow, from,
  fromAsyncIterable, generate, type GenerateEmitter, groupBy, interval, map, mergeMap, never, publish, of, type Operator, OverflowError,
  type Publisher, range, sample, type Subscriber, type Subscription, timeout, TimeoutError, toArray, UnicastProcessor,
  VirtualTimeScheduler, window,
} from '../../src/index';
import { TestPublisher } from '../../src/testing';
import {
  invalidRequestError, nullArgumentError, nullResultError, nullSubscriberError, overDeliveryError, toError,
} from '../../src/internal/errors';
import { EmptyError } from '../../src/sinks/EmptyError';

// Every error the shared factories and classes create carries its stable code (docs/errors.md), which is what a
// program branches on; the code is not an enumerable property, so error equality and JSON are unchanged.

describe('error codes', () => {
  it('each factory and class sets its documented code and class', () => {
    const cases: [Error, string, ErrorConstructor | (new (...args: never[]) => Error)][] = [
      [invalidRequestError(0), 'ERR_SLUICE_INVALID_REQUEST', RangeError],
      [nullSubscriberError(), 'ERR_SLUICE_NULL_SUBSCRIBER', TypeError],
      [nullArgumentError('onNext', null), 'ERR_SLUICE_NULL_SIGNAL', TypeError],
      [nullResultError('map', 'mapper', undefined), 'ERR_SLUICE_NULL_RESULT', TypeError],
      [overDeliveryError('map', 0), 'ERR_SLUICE_OVER_DELIVERY', Error],
      [new OverflowError('buffer', 4, 5), 'ERR_SLUICE_OVERFLOW', OverflowError],
      [new CancellationError('create', 'terminated'), 'ERR_SLUICE_CANCELLED', CancellationError],
      [new EmptyError('firstValue'), 'ERR_SLUICE_EMPTY', EmptyError],
      [toError('a string'), 'ERR_SLUICE_NON_ERROR_THROWN', Error],
    ];
    for (const [error, code, type] of cases) {
      expect(error).toBeInstanceOf(type);
      expect((error as { code?: unknown }).code).toBe(code);
      expect(Object.keys(error)).not.toContain('code');
    }
    expect(toError(new Error('mine'))).not.toHaveProperty('code'); // an Error of the caller's is passed on untouched
  });

  it('reach the program through the stream: a §3.9 request and a null mapper result, an empty firstValue', async () => {
    const errors: Error[] = [];
    const subscriber = (request: number): Subscriber<unknown> => ({
      onSubscribe: (s) => s.request(request), onNext: () => {}, onError: (e) => errors.push(e), onComplete: () => {},
    });
    range(0, 3).subscribe(subscriber(-1));
    of(1).pipe(map(() => null as unknown as number)).subscribe(subscriber(1));
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(['ERR_SLUICE_INVALID_REQUEST', 'ERR_SLUICE_NULL_RESULT']);
    await expect(firstValue(range(0, 0))).rejects.toMatchObject({ code: 'ERR_SLUICE_EMPTY', name: 'EmptyError' });
  });
});

// The errors raised inside operators, sources and sinks (formerly the "without a code" table of docs/errors.md).
describe('error codes of operators, sources and sinks', () => {
  /** Subscribes with `request` items of demand and returns the error that arrived (or null). */
  const errorOf = (flow: Publisher<unknown>, request = 0): Error | null => {
    let error: Error | null = null;
    flow.subscribe({ onSubscribe: (s) => request > 0 && s.request(request), onNext: () => {}, onError: (e) => { error = e; }, onComplete: () => {} });
    return error;
  };
  const flowOf = <T>(publisher: TestPublisher<T>): Flow<T> => new Flow<T>((s) => publisher.subscribe(s));
  const errorOfWith = (flow: Publisher<unknown>, request: number, onNext: (value: unknown) => void): Error | null => {
    let error: Error | null = null;
    flow.subscribe({ onSubscribe: (s) => s.request(request), onNext, onError: (e) => { error = e; }, onComplete: () => {} });
    return error;
  };
  const code = (error: unknown): unknown => (error as { code?: unknown } | null)?.code;

  it('the classes carry their code: TimeoutError, ExpandDepthError', () => {
    expect(code(new TimeoutError('t', 5))).toBe('ERR_SLUICE_TIMEOUT');
    expect(code(new ExpandDepthError(3))).toBe('ERR_SLUICE_EXPAND_DEPTH');
    expect(Object.keys(new TimeoutError('t', 5))).not.toContain('code');
  });

  it('timeout and deadline fail with ERR_SLUICE_TIMEOUT', () => {
    const clock = new VirtualTimeScheduler();
    const errors: Error[] = [];
    const sink = (): Subscriber<unknown> => ({ onSubscribe: (s) => s.request(1), onNext: () => {}, onError: (e) => { errors.push(e); }, onComplete: () => {} });
    never().pipe(timeout(5, { scheduler: clock })).subscribe(sink());
    never().pipe(deadline(5, { scheduler: clock })).subscribe(sink());
    clock.advanceBy(10);
    expect(errors.map((e) => [e.name, code(e)])).toEqual([['TimeoutError', 'ERR_SLUICE_TIMEOUT'], ['TimeoutError', 'ERR_SLUICE_TIMEOUT']]);
  });

  it('expand past maxDepth fails with ERR_SLUICE_EXPAND_DEPTH', () => {
    const error = errorOf(of(1).pipe(expand((x: number) => of(x + 1, x + 1), { maxDepth: 2 })), 100);
    expect([error?.name, code(error)]).toEqual(['ExpandDepthError', 'ERR_SLUICE_EXPAND_DEPTH']);
  });

  it('interval, sample and bufferTime with no outstanding demand fail with ERR_SLUICE_NO_DEMAND', () => {
    const clock = new VirtualTimeScheduler();
    const errors: Error[] = [];
    const sink = (request: number): Subscriber<unknown> => ({
      onSubscribe: (s) => request > 0 && s.request(request), onNext: () => {}, onError: (e) => { errors.push(e); }, onComplete: () => {},
    });
    interval(10, { scheduler: clock }).subscribe(sink(0));
    const sampled = new TestPublisher<number>();
    const buffered = new TestPublisher<number>();
    flowOf(sampled).pipe(sample(10, { scheduler: clock })).subscribe(sink(1));
    flowOf(buffered).pipe(bufferTime(10, 100, { scheduler: clock })).subscribe(sink(1));
    sampled.next(1);
    buffered.next(1);
    clock.advanceTo(10); // the one request is used: by the sample of 1, by the buffer [1]
    sampled.next(2);
    buffered.next(2);
    clock.advanceTo(20);
    expect(errors.map((e) => [e.message.split(':')[0], e.constructor, code(e)])).toEqual([
      ['interval', Error, 'ERR_SLUICE_NO_DEMAND'], ['sample', Error, 'ERR_SLUICE_NO_DEMAND'], ['bufferTime', Error, 'ERR_SLUICE_NO_DEMAND'],
    ]);
  });

  it('toArray over its limit and groupBy over maxGroups fail with ERR_SLUICE_LIMIT (RangeError)', async () => {
    await expect(toArray(range(0, 5), { limit: 3 })).rejects.toMatchObject({ name: 'RangeError', code: 'ERR_SLUICE_LIMIT' });
    const error = errorOf(range(0, 5).pipe(groupBy((x: number) => x, { maxGroups: 2 })), 10);
    expect([error?.name, code(error)]).toEqual(['RangeError', 'ERR_SLUICE_LIMIT']);
  });

  it('a group or window the downstream never subscribed ends with ERR_SLUICE_ABANDONED when it cancels', () => {
    const ended: Error[] = [];
    for (const operator of [groupBy((x: number) => x % 2), window<number>(2)] as Operator<number, Flow<number>>[]) {
      const upstream = new TestPublisher<number>();
      let subscription: Subscription | null = null;
      const inners: Flow<number>[] = [];
      flowOf(upstream).pipe(operator).subscribe({
        onSubscribe: (s) => { subscription = s; s.request(1); }, onNext: (inner) => void inners.push(inner), onError: () => {}, onComplete: () => {},
      });
      upstream.next(1);
      subscription!.cancel();
      inners[0]!.subscribe({ onSubscribe: (s) => s.request(1), onNext: () => {}, onError: (e) => void ended.push(e), onComplete: () => {} });
    }
    expect(ended.map(code)).toEqual(['ERR_SLUICE_ABANDONED', 'ERR_SLUICE_ABANDONED']);
  });

  it('misused emitters fail with ERR_SLUICE_MISUSE; null elements and null errors given to sources with ERR_SLUICE_NULL_SIGNAL', async () => {
    let escaped: GenerateEmitter<number> | null = null;
    errorOf(generate(0, (s, emit: GenerateEmitter<number>) => { escaped = emit; emit.next(s); return s + 1; }), 1);
    expect(() => escaped!.next(1)).toThrow(expect.objectContaining({ code: 'ERR_SLUICE_MISUSE' }));
    expect(code(errorOf(generate(0, (s, emit: GenerateEmitter<number>) => { emit.next(1); emit.next(2); return s; }), 1))).toBe('ERR_SLUICE_MISUSE');
    let third: Promise<unknown> | null = null;
    errorOf(create<number>((emitter) => { void emitter.offer(1); void emitter.offer(2).catch(() => {}); third = emitter.offer(3); }, { capacity: 1, overflow: 'block' }));
    await expect(third).rejects.toMatchObject({ code: 'ERR_SLUICE_MISUSE' }); // the second offer() is still pending
    expect(code(errorOf(create<number>((emitter) => { emitter.next(null as unknown as number); }), 1))).toBe('ERR_SLUICE_NULL_SIGNAL');
    expect(code(errorOf(create<number>((emitter) => { emitter.error(null); }), 1))).toBe('ERR_SLUICE_NULL_SIGNAL');
    expect(code(errorOf(from([1, null as unknown as number]), 2))).toBe('ERR_SLUICE_NULL_SIGNAL');
    expect(code(errorOf(generate(0, (s, emit: GenerateEmitter<number>) => { emit.error(undefined); return s; }), 1))).toBe('ERR_SLUICE_NULL_SIGNAL');
    expect(code(errorOf(fail(() => null), 1))).toBe('ERR_SLUICE_NULL_RESULT');
  });

  it('a project returning a non-Publisher fails with ERR_SLUICE_NOT_A_PUBLISHER; a bad async iterator result with ERR_SLUICE_NOT_AN_ITERATOR_RESULT', async () => {
    expect(code(errorOf(of(1).pipe(mergeMap(() => 42 as unknown as Publisher<number>)), 1))).toBe('ERR_SLUICE_NOT_A_PUBLISHER');
    const broken: AsyncIterable<number> = { [Symbol.asyncIterator]: () => ({ next: async () => 7 as unknown as IteratorResult<number> }) };
    await expect(firstValue(fromAsyncIterable(broken))).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_SLUICE_NOT_AN_ITERATOR_RESULT' });
  });

  it('a second subscriber of a unicast stage gets ERR_SLUICE_SINGLE_SUBSCRIBER', () => {
    const queue = createQueue<number>();
    errorOf(queue.flow, 1);
    expect(code(errorOf(queue.flow, 1))).toBe('ERR_SLUICE_SINGLE_SUBSCRIBER');
    const processor = new UnicastProcessor<number>();
    errorOf(processor, 1);
    expect(code(errorOf(processor, 1))).toBe('ERR_SLUICE_SINGLE_SUBSCRIBER');
  });

  it('groupBy: a second subscriber of a group gets ERR_SLUICE_SINGLE_SUBSCRIBER; groups nobody reads stall it with ERR_SLUICE_GROUP_STALLED', () => {
    const groups: Flow<number>[] = [];
    const main = errorOfWith(range(0, 10).pipe(groupBy((x: number) => x % 2, { prefetch: 1 })), 100, (group) => void groups.push(group as Flow<number>));
    expect(code(main)).toBe('ERR_SLUICE_GROUP_STALLED');
    const split: Flow<number>[] = [];
    errorOfWith(range(0, 4).pipe(groupBy((x: number) => x % 2)), 1, (group) => void split.push(group as Flow<number>));
    errorOf(split[0]!, 1);
    expect(code(errorOf(split[0]!, 1))).toBe('ERR_SLUICE_SINGLE_SUBSCRIBER');
  });

  it('a foreign publisher that signals onNext before onSubscribe, or whose request(n) throws, is met with ERR_SLUICE_SIGNAL_ORDER / ERR_SLUICE_REQUEST_THREW', () => {
    const early: Publisher<number> = { subscribe: (s) => { s.onNext(1); } };
    expect(code(errorOf(from(early), 1))).toBe('ERR_SLUICE_SIGNAL_ORDER');
    const throwing: Publisher<number> = { subscribe: (s) => s.onSubscribe({ request: () => { throw new Error('boom'); }, cancel: () => {} }) };
    const hubbed = new Flow<number>((s) => { s.onNext(1); }).pipe(publish());
    const seen: Error[] = [];
    hubbed.subscribe({ onSubscribe: (s) => s.request(1), onNext: () => {}, onError: (e) => void seen.push(e), onComplete: () => {} });
    hubbed.connect();
    expect(seen.map(code)).toEqual(['ERR_SLUICE_SIGNAL_ORDER']); // a multicast hub's own check on a sluice source
    const error = errorOf(from(throwing), 1);
    expect([code(error), (error?.cause as Error | undefined)?.message]).toEqual(['ERR_SLUICE_REQUEST_THREW', 'boom']);
  });
});

describe('docs/errors.md', () => {
  it('has one coded-table row for every SluiceErrorCode, and no row for a code the type does not list', () => {
    const union = readFileSync(new URL('../../src/internal/errors.ts', import.meta.url), 'utf8');
    const declared = [...(/export type SluiceErrorCode =([^;]+);/.exec(union)?.[1] ?? '').matchAll(/'(ERR_SLUICE_[A-Z_]+)'/g)].map((m) => m[1]);
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const coded = doc.slice(doc.indexOf('## Errors with a stable code'), doc.indexOf('## Errors without a code'));
    const rows = [...coded.matchAll(/^\| `(ERR_SLUICE_[A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(declared.length).toBeGreaterThanOrEqual(21);
    expect([...rows].sort()).toEqual([...declared].sort());
  });
});
