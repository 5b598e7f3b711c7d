import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { range } from '../../src/sources/range';
import { BaseSubscriber, type SignalType } from '../../src/sinks/BaseSubscriber';
import type { Subscription } from '../../src/spec/Subscription';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { collectGarbage, failAfter, SignalSpy } from './spy';

/** Records every hook call in one log; its behaviour per hook is scripted through the constructor. */
class Recorder extends BaseSubscriber<number> {
  readonly log: string[] = [];
  constructor(
    private readonly script: {
      onSubscribe?: (self: Recorder) => void;
      onNext?: (value: number, self: Recorder) => void;
      onError?: (error: Error) => void;
      onComplete?: () => void;
    } = {},
  ) {
    super();
  }
  ask(n: number): void {
    this.request(n);
  }
  protected override hookOnSubscribe(subscription: Subscription): void {
    this.log.push('hookOnSubscribe');
    if (this.script.onSubscribe) this.script.onSubscribe(this);
    else super.hookOnSubscribe(subscription);
  }
  protected override hookOnNext(value: number): void {
    this.log.push(`hookOnNext(${value})`);
    this.script.onNext?.(value, this);
  }
  protected override hookOnError(error: Error): void {
    this.log.push(`hookOnError(${error.message})`);
    this.script.onError?.(error);
  }
  protected override hookOnComplete(): void {
    this.log.push('hookOnComplete');
    this.script.onComplete?.();
  }
  protected override hookOnCancel(): void {
    this.log.push('hookOnCancel');
  }
  protected override hookFinally(type: SignalType): void {
    this.log.push(`hookFinally(${type})`);
  }
}

class Plain extends BaseSubscriber<number> {}

describe('BaseSubscriber', () => {
  let reported: ReturnType<typeof captureReportedErrors>;
  beforeEach(() => {
    reported = captureReportedErrors();
  });
  afterEach(() => reported.restore());

  describe('behaviour', () => {
    it('runs the hooks in order and ends with hookFinally', () => {
      const s = new Recorder();
      range(1, 2).subscribe(s);
      expect(s.log).toEqual(['hookOnSubscribe', 'hookOnNext(1)', 'hookOnNext(2)', 'hookOnComplete', 'hookFinally(complete)']);
      expect(s.isDisposed).toBe(true);
    });

    it('passes an upstream error to hookOnError then hookFinally', () => {
      const s = new Recorder();
      failAfter([1], new Error('boom')).subscribe(s);
      expect(s.log).toEqual(['hookOnSubscribe', 'hookOnNext(1)', 'hookOnError(boom)', 'hookFinally(error)']);
    });

    it('reports an error by default when hookOnError is not overridden', () => {
      failAfter([], new Error('unhandled')).subscribe(new Plain());
      expect(reported.errors).toEqual([new Error('unhandled')]);
    });
  });

  describe('demand', () => {
    it('requests unbounded by default', () => {
      const spy = new SignalSpy();
      spy.wrap(range(0, 2)).subscribe(new Plain());
      expect(spy.log).toEqual(['request(Infinity)', 'next(0)', 'next(1)', 'complete']);
    });

    it('lets the subclass pace upstream from its hooks', () => {
      const spy = new SignalSpy();
      const s = new Recorder({ onSubscribe: (self) => self.ask(2), onNext: (v, self) => v % 2 === 1 && self.ask(2) });
      spy.wrap(range(0, 5)).subscribe(s);
      expect(spy.log).toEqual([
        'request(2)', 'next(0)', 'next(1)', 'request(2)', 'next(2)', 'next(3)', 'request(2)', 'next(4)', 'complete',
      ]);
    });

    it('forwards demand requested before the subscription arrived', () => {
      const upstream = new TestPublisher<number>();
      const s = new Recorder({ onSubscribe: () => {} });
      s.ask(3);
      s.ask(2);
      upstream.subscribe(s);
      expect(upstream.requests).toEqual([5]);
    });

    it('turns an invalid request into a §3.9 error in hookOnError without throwing', () => {
      const s = new Recorder({ onSubscribe: () => {} });
      range(0, 3).subscribe(s);
      expect(() => s.ask(0)).not.toThrow();
      expect(s.log).toEqual(['hookOnSubscribe', 'hookOnError(§3.9: request(n) needs a positive integer or Infinity (non-positive subscription request), got 0)', 'hookFinally(error)']);
    });
  });

  describe('errors', () => {
    it('cancels upstream and calls hookOnError when hookOnNext throws', () => {
      const upstream = new TestPublisher<number>();
      const s = new Recorder({
        onNext: () => {
          throw new Error('hook failed');
        },
      });
      upstream.subscribe(s);
      upstream.next(1);
      expect(upstream.cancelled).toBe(true);
      expect(s.log).toEqual(['hookOnSubscribe', 'hookOnNext(1)', 'hookOnError(hook failed)', 'hookFinally(error)']);
      expect(s.isDisposed).toBe(true);
    });

    it('cancels and calls hookOnError when hookOnSubscribe throws', () => {
      const upstream = new TestPublisher<number>();
      const s = new Recorder({
        onSubscribe: () => {
          throw 'not an error';
        },
      });
      upstream.subscribe(s);
      expect(upstream.cancelled).toBe(true);
      expect(s.log).toEqual(['hookOnSubscribe', 'hookOnError(non-Error thrown: not an error)', 'hookFinally(error)']);
    });

    it('reports a throwing hookOnComplete instead of calling hookOnError after completion', () => {
      const s = new Recorder({
        onComplete: () => {
          throw new Error('late');
        },
      });
      range(0, 0).subscribe(s);
      expect(s.log).toEqual(['hookOnSubscribe', 'hookOnComplete', 'hookFinally(complete)']);
      expect(reported.errors).toEqual([new Error('late')]);
    });

    it('reports an error arriving after termination (§1.7)', () => {
      const upstream = new TestPublisher<number>({ allow: { afterTerminal: true } });
      const s = new Recorder();
      upstream.subscribe(s);
      upstream.complete();
      upstream.error(new Error('late'));
      expect(s.log).toEqual(['hookOnSubscribe', 'hookOnComplete', 'hookFinally(complete)']);
      expect(reported.errors).toEqual([new Error('late')]);
    });

    for (const method of ['onSubscribe', 'onNext', 'onError'] as const) {
      for (const nullish of [null, undefined]) {
        it(`throws TypeError from ${method}(${nullish}) (§2.13)`, () => {
          const s = new Plain();
          range(0, 0).subscribe(s);
          expect(() => (s[method] as (x: unknown) => void)(nullish)).toThrow(/^§2\.13:/);
        });
      }
    }
  });

  describe('cancellation', () => {
    it('cancels a second subscription and keeps the first (§2.5)', () => {
      const first = new TestPublisher<number>();
      const second = new TestPublisher<number>();
      const s = new Recorder();
      first.subscribe(s);
      second.subscribe(s);
      expect(second.cancelled).toBe(true);
      expect(first.cancelled).toBe(false);
      expect(second.requests).toEqual([]);
      expect(s.log).toEqual(['hookOnSubscribe']);
    });

    it('cancels upstream once, runs hookOnCancel and hookFinally, and ignores later signals', () => {
      const upstream = new TestPublisher<number>({ allow: { ignoreCancel: true } });
      const s = new Recorder();
      upstream.subscribe(s);
      s.cancel();
      s.cancel();
      s.onNext(1);
      s.onComplete();
      expect(upstream.cancelled).toBe(true);
      expect(s.log).toEqual(['hookOnSubscribe', 'hookOnCancel', 'hookFinally(cancel)']);
    });

    it('cancels a subscription that arrives after cancel()', () => {
      const upstream = new TestPublisher<number>();
      const s = new Recorder();
      s.cancel();
      upstream.subscribe(s);
      expect(upstream.cancelled).toBe(true);
      expect(upstream.requests).toEqual([]);
    });

    it('stops at once when a hook cancels from inside hookOnNext', () => {
      const s = new Recorder({ onNext: (_, self) => self.cancel() });
      range(0, 5).subscribe(s);
      expect(s.log).toEqual(['hookOnSubscribe', 'hookOnNext(0)', 'hookOnCancel', 'hookFinally(cancel)']);
    });

    it('drops its upstream reference when cancelled (§3.13)', async () => {
      const held = new Plain();
      const ref = ((): WeakRef<object> => {
        const subscription: Subscription = { request: () => {}, cancel: () => {} };
        held.onSubscribe(subscription);
        return new WeakRef(subscription);
      })();
      held.cancel();
      await collectGarbage();
      expect(ref.deref()).toBeUndefined();
    });
  });

  describe('empty and edge cases', () => {
    it('completes on an empty source without calling hookOnNext', () => {
      const s = new Recorder();
      range(0, 0).subscribe(s);
      expect(s.log).toEqual(['hookOnSubscribe', 'hookOnComplete', 'hookFinally(complete)']);
    });

    it('makes request a no-op once disposed (§3.6)', () => {
      const upstream = new TestPublisher<number>();
      const s = new Recorder({ onSubscribe: () => {} });
      upstream.subscribe(s);
      s.cancel();
      s.ask(5);
      expect(upstream.requests).toEqual([]);
    });
  });
});
