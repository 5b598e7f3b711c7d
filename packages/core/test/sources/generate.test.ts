import { describe, expect, it } from 'vitest';
import { generate, type GenerateEmitter } from '../../src/sources/generate';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { sourceContract } from '../contract/sourceContract';
import { collectGarbage } from '../support/collectGarbage';

/** 0, 1, …, n - 1, then complete (the completing call emits nothing). */
const upTo = (n: number) => generate<number, number>(0, (i, emit) => (i < n ? emit.next(i) : emit.complete(), i + 1));

describe('generate', () => {
  sourceContract('generate', upTo);

  describe('behaviour', () => {
    it('threads the state through calls and emits what each call emits', () => {
      const s = new TestSubscriber<number>('unbounded');
      generate<[number, number], number>([0, 1], ([a, b], emit) => (a < 10 ? emit.next(a) : emit.complete(), [b, a + b])).subscribe(s);
      expect(s.values).toEqual([0, 1, 1, 2, 3, 5, 8]);
      expect(s.completed).toBe(true);
    });

    it('delivers the item of a call before the completion it asks for', () => {
      const s = new TestSubscriber<string>(5);
      generate<number, string>(0, (i, emit) => {
        emit.next(`item ${i}`);
        if (i === 1) emit.complete();
        return i + 1;
      }).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(5)', 'next(item 0)', 'next(item 1)', 'complete']);
    });

    it('calls the generator again after a call that emitted nothing', () => {
      const s = new TestSubscriber<number>(2);
      generate<number, number>(0, (i, emit) => (i % 3 === 2 ? emit.next(i) : undefined, i + 1)).subscribe(s);
      expect(s.values).toEqual([2, 5]);
    });
  });

  describe('demand', () => {
    it('calls the generator only while there is demand', () => {
      const calls: number[] = [];
      const s = new TestSubscriber<number>();
      generate<number, number>(0, (i, emit) => (calls.push(i), emit.next(i), i + 1)).subscribe(s);
      expect(calls).toEqual([]);
      s.request(2);
      expect(calls).toEqual([0, 1]);
      s.request(1);
      expect(calls).toEqual([0, 1, 2]);
    });

    it('delivers 10,000,000 items, requested one at a time from onNext, without growing the stack', () => {
      const s = new TestSubscriber<number>({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      s.recordLog = false;
      s.keepValues = false;
      upTo(10_000_000).subscribe(s);
      expect(s.count).toBe(10_000_000);
      expect(s.completed).toBe(true);
      expect(s.maxOnNextDepth).toBe(1);
    });

    it('runs the uncounted loop on an unbounded request', () => {
      const s = new TestSubscriber<number>('unbounded');
      s.recordLog = false;
      s.keepValues = false;
      upTo(1_000_000).subscribe(s);
      expect(s.count).toBe(1_000_000);
      expect(s.completed).toBe(true);
    });
  });

  describe('errors', () => {
    it('signals what the generator throws and discards that call’s item', () => {
      const s = new TestSubscriber<number>('unbounded');
      generate<number, number>(0, (i, emit) => {
        emit.next(i);
        if (i === 2) throw new Error('gen broke');
        return i + 1;
      }).subscribe(s);
      expect(s.values).toEqual([0, 1]);
      expect(s.error?.message).toBe('gen broke');
    });

    it('fails with the error given to emit.error, after the call’s item', () => {
      const s = new TestSubscriber<number>('unbounded');
      generate<number, number>(0, (i, emit) => (emit.next(i), emit.error('bad state'), i)).subscribe(s);
      expect(s.values).toEqual([0]);
      expect(s.error?.cause).toBe('bad state');
    });

    it('fails, naming the rule, when a call emits twice', () => {
      const s = new TestSubscriber<number>('unbounded');
      generate<number, number>(0, (i, emit) => (emit.next(i), emit.next(i + 1), i + 2)).subscribe(s);
      expect(s.count).toBe(0);
      expect(s.error?.message).toMatch(/^§1\.1: generate: emit\.next\(\) was called twice in one generator call/);
      expect(s.violations).toEqual([]);
    });

    it('fails when a call signals after ending the stream', () => {
      const s = new TestSubscriber<number>('unbounded');
      generate<number, number>(0, (i, emit) => (emit.complete(), emit.next(i), i)).subscribe(s);
      expect(s.error?.message).toMatch(/^§1\.7: generate: emit\.next\(\) was called after emit\.complete\(\)/);
    });

    it('fails with a TypeError when a call emits null', () => {
      const s = new TestSubscriber<number | null>(1);
      generate<number, number | null>(0, (i, emit) => (emit.next(null), i)).subscribe(s);
      expect(s.error).toBeInstanceOf(TypeError);
      expect(s.error?.message).toMatch(/^§2\.13:/);
    });

    it('throws when emit is used outside the call that received it', () => {
      let kept: GenerateEmitter<number> | null = null;
      const s = new TestSubscriber<number>(1);
      generate<number, number>(0, (i, emit) => ((kept = emit), emit.next(i), i)).subscribe(s);
      expect(() => kept!.next(5)).toThrow('generate: emit.next() was called outside the generator call that received it');
      expect(s.values).toEqual([0]);
    });

    it('rejects a non-function generator at assembly time', () => {
      expect(() => generate(0, null as never)).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('stops calling the generator once cancelled from inside onNext', () => {
      let calls = 0;
      const s = new TestSubscriber<number>({ initialRequest: 'unbounded', onNext: (_, sub) => sub.cancel() });
      generate<number, number>(0, (i, emit) => (calls++, emit.next(i), i + 1)).subscribe(s);
      expect(calls).toBe(1);
    });

    it('releases the subscriber and the state after cancel (§3.13)', async () => {
      const flow = upTo(100);
      const ref = (() => {
        const s = new TestSubscriber<number>(1);
        flow.subscribe(s);
        s.cancel();
        return new WeakRef(s);
      })();
      await collectGarbage();
      expect(ref.deref()).toBeUndefined();
    });
  });

  describe('empty and edge cases', () => {
    it('completes when the first call completes, emitting nothing', () => {
      const s = new TestSubscriber<number>(1);
      generate<null, number>(null, (state, emit) => (emit.complete(), state)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'complete']);
    });

    it('starts every subscriber from the initial state', () => {
      const flow = upTo(2);
      const a = new TestSubscriber<number>('unbounded');
      const b = new TestSubscriber<number>('unbounded');
      flow.subscribe(a);
      flow.subscribe(b);
      expect([a.values, b.values]).toEqual([[0, 1], [0, 1]]);
    });
  });
});
