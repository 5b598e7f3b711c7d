import { describe, expect, it } from 'vitest';
import { concat } from '../../src/sources/concat';
import { map } from '../../src/operators/map';
import { merge } from '../../src/sources/merge';
import { observeOn } from '../../src/operators/observeOn';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { create } from '../../src/sources/create';
import { from } from '../../src/sources/from';
import { generate } from '../../src/sources/generate';
import { of } from '../../src/sources/of';
import { range } from '../../src/sources/range';
import type { Publisher } from '../../src/spec/Publisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';

// Issue 13 item 10: a §3.9 invalid request made inside onNext stops the emit loop at once; items requested before it
// are not delivered after it.
describe('an invalid request(n) made inside onNext', () => {
  const sources: [string, () => Publisher<number>][] = [
    ['range', () => range(0, 10)],
    ['from(array)', () => from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])],
    ['from(iterable)', () => from(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))],
    ['of', () => of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)],
    ['generate', () => generate(0, (n, emit) => { if (n === 10) emit.complete(); else emit.next(n); return n + 1; })],
    ['create', () => create<number>((e) => { for (let i = 0; i < 10; i++) e.next(i); })],
    ['range + map', () => range(0, 10).pipe(map((x) => x))],
    ['concat', () => concat(range(0, 10), range(10, 5))],
    ['merge', () => merge(range(0, 10), range(10, 5))],
  ];

  describe('behaviour', () => {
    for (const [name, make] of sources) {
      for (const demand of [5, Infinity]) {
        it(`${name} with demand ${demand}: stops at the invalid request and signals §3.9`, () => {
          const s = new TestSubscriber<number>({
            initialRequest: demand === Infinity ? 'unbounded' : demand,
            onNext: (value, subscriber) => {
              if (value === 0) subscriber.request(0);
            },
          });
          make().subscribe(s);
          expect(s.values).toEqual([0]);
          expect(s.error).toBeInstanceOf(RangeError);
          expect(s.error?.message).toMatch(/^§3\.9:/);
          expect(s.violations).toEqual([]);
        });
      }
    }

    it('a queue stage (observeOn) stops at the invalid request too', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>({
        initialRequest: 5,
        onNext: (value, subscriber) => {
          if (value === 0) subscriber.request(-1);
        },
      });
      range(0, 10).pipe(observeOn(clock)).subscribe(s);
      clock.runUntilIdle();
      expect(s.values).toEqual([0]);
      expect(s.error).toBeInstanceOf(RangeError);
    });
  });
});
