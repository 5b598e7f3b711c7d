import { range, type StageSnapshot, type Subscription } from '@sluice/core';
import { TestSubscriber } from '@sluice/core/testing';
import { mergeMap, of, range as rxRange } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { backpressure } from '../src/backpressure';
import { controlled } from '../src/controlled';
import { fromObservable } from '../src/fromObservable';
import { viaRx } from '../src/viaRx';

// Core's rule (create, onBackpressureBuffer, fromEvent): overflow 'latest' keeps only the newest waiting item, so it
// takes capacity 1 (its default) and refuses a larger one with a RangeError that points to 'drop-oldest'. The bridge
// follows it at every push edge that takes an overflow.

const inspect = (s: TestSubscriber<any>): StageSnapshot => (s.subscription as Subscription & { inspect(): StageSnapshot }).inspect();

const entryPoints: [string, (capacity: number | undefined) => unknown][] = [
  ['fromObservable', (capacity) => fromObservable(of(1), { overflow: 'latest', capacity })],
  ['controlled', (capacity) => controlled(of(1), { overflow: 'latest', capacity })],
  ['viaRx', (capacity) => viaRx(mergeMap((x: number) => of(x)), { overflow: 'latest', capacity })],
  ['backpressure', (capacity) => backpressure((x: number) => of(x), { overflow: 'latest', capacity })],
];

describe("overflow 'latest' takes capacity 1, as in core", () => {
  it.each(entryPoints)('%s refuses a larger capacity at assembly, suggesting drop-oldest', (stage, make) => {
    expect(() => make(2)).toThrow(RangeError);
    expect(() => make(1000)).toThrow(
      `${stage}: overflow 'latest' keeps only the newest waiting item, so capacity must be 1 (got 1000); use 'drop-oldest' to keep the newest 1000`,
    );
  });

  it.each(entryPoints)('%s accepts capacity 1 and defaults to it', (_stage, make) => {
    expect(() => make(1)).not.toThrow();
    expect(() => make(undefined)).not.toThrow();
  });

  it('drop-oldest keeps taking a larger capacity (the alternative the error names)', () => {
    const s = new TestSubscriber<number>(0);
    fromObservable(rxRange(0, 10), { overflow: 'drop-oldest', capacity: 3 }).subscribe(s);
    s.request(10);
    expect(s.values).toEqual([7, 8, 9]);
  });

  it('fromObservable under latest holds one item: the newest, whatever the burst', () => {
    const s = new TestSubscriber<number>(2);
    fromObservable(rxRange(0, 1000), { overflow: 'latest' }).subscribe(s);
    expect(inspect(s)).toMatchObject({ capacity: 1, buffered: 1, dropped: 997 });
    s.request(5);
    expect(s.values).toEqual([0, 1, 999]);
    expect(s.completed).toBe(true);
  });

  it('controlled under latest hands the newest item to each request', () => {
    const s = new TestSubscriber<number>(0);
    controlled(rxRange(0, 50), { overflow: 'latest' }).subscribe(s);
    expect(inspect(s)).toMatchObject({ capacity: 1, buffered: 1 });
    s.request(1);
    expect(s.values).toEqual([49]);
  });

  it("viaRx under latest keeps the newest of an input's outputs beyond the free space", () => {
    const s = new TestSubscriber<number>(1);
    range(0, 1).pipe(viaRx(mergeMap(() => of(1, 2, 3, 4)), { overflow: 'latest' })).subscribe(s);
    expect(inspect(s)).toMatchObject({ capacity: 1 });
    s.request(5); // the four outputs of the one input land in the buffer during the operator's emission
    expect(s.values).toEqual([4]);
    expect(s.completed).toBe(true);
  });

  it('backpressure under latest keeps the newest outer value waiting for a slot', () => {
    new TestScheduler((a, e) => expect(a).toEqual(e)).run(({ cold, expectObservable }) => {
      const source = cold('(abcd|)');
      const result = source.pipe(backpressure((x) => cold('5ms (y|)', { y: x.toUpperCase() }), { concurrency: 1, overflow: 'latest' }));
      expectObservable(result).toBe('5ms A 4ms (D|)');
    });
  });
});
