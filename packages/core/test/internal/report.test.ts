import { afterEach, describe, expect, it, vi } from 'vitest';
import { onErrorDropped, reportDroppedError } from '../../src/internal/report';
import { finalize } from '../../src/operators/finalize';
import { mergeMap } from '../../src/operators/mergeMap';
import { take } from '../../src/operators/take';
import { tap } from '../../src/operators/tap';
import { using } from '../../src/operators/using';
import { BaseSubscriber } from '../../src/sinks/BaseSubscriber';
import { firstValue } from '../../src/sinks/firstValue';
import { toArray } from '../../src/sinks/toArray';
import { create, type CreateEmitter } from '../../src/sources/create';
import { from } from '../../src/sources/from';
import { fromAsyncIterable } from '../../src/sources/fromAsyncIterable';
import { range } from '../../src/sources/range';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { settle } from '../support/async';

// Issue 13 item 2: an error that arrives after the consumer cancelled goes to the onErrorDropped hook, never to an
// uncaught exception (docs/decisions/0012-errors-after-cancellation.md).
describe('errors after cancellation', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  describe('behaviour', () => {
    it('drops emitter.error called from a listener after firstValue cancelled', async () => {
      const captured = captureReportedErrors();
      try {
        let emitter: CreateEmitter<number> | null = null;
        const value = await firstValue(
          create<number>((e) => {
            emitter = e;
            e.next(1);
          }),
        );
        expect(value).toBe(1);
        expect(emitter!.isCancelled).toBe(true);
        const late = new Error('late listener error');
        emitter!.error(late);
        await settle();
        expect(captured.dropped).toEqual([late]);
        expect(captured.errors).toEqual([]);
      } finally {
        captured.restore();
      }
    });

    it('drops the rejection of an async create producer that fails after take cancelled', async () => {
      const captured = captureReportedErrors();
      try {
        const late = new Error('producer failed after cancel');
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        const items = await toArray(
          create<number>(async (e) => {
            e.next(1);
            e.next(2);
            await gate;
            throw late;
          }).pipe(take(1)),
        );
        expect(items).toEqual([1]);
        release();
        await settle();
        expect(captured.dropped).toEqual([late]);
        expect(captured.errors).toEqual([]);
      } finally {
        captured.restore();
      }
    });

    it('drops the error of an async generator whose finally throws when cancellation calls return()', async () => {
      const captured = captureReportedErrors();
      try {
        const late = new Error('finally failed');
        async function* numbers(): AsyncGenerator<number> {
          try {
            for (let i = 0; ; i++) yield i;
          } finally {
            throw late; // eslint-disable-line no-unsafe-finally
          }
        }
        expect(await firstValue(fromAsyncIterable(numbers()))).toBe(0);
        await settle();
        expect(captured.dropped).toEqual([late]);
        expect(captured.errors).toEqual([]);
      } finally {
        captured.restore();
      }
    });

    it('drops the error of a synchronous iterator whose return() throws on cancel', async () => {
      const captured = captureReportedErrors();
      try {
        const late = new Error('return failed');
        const iterable: Iterable<number> = {
          [Symbol.iterator]: () => ({
            next: () => ({ done: false, value: 7 }),
            return: () => {
              throw late;
            },
          }),
        };
        expect(await firstValue(from(iterable))).toBe(7);
        expect(captured.dropped).toEqual([late]);
        expect(captured.errors).toEqual([]);
      } finally {
        captured.restore();
      }
    });

    it('drops a throwing onCancel listener of create', async () => {
      const captured = captureReportedErrors();
      try {
        const late = new Error('listener failed');
        await firstValue(
          create<number>((e) => {
            e.onCancel(() => {
              throw late;
            });
            e.next(1);
          }),
        );
        expect(captured.dropped).toEqual([late]);
        expect(captured.errors).toEqual([]);
      } finally {
        captured.restore();
      }
    });

    it('still reports an error after the producer completed itself: that is a producer bug (§1.7)', async () => {
      const captured = captureReportedErrors();
      try {
        const bug = new Error('error after complete');
        let emitter: CreateEmitter<number> | null = null;
        const items = await toArray(
          create<number>((e) => {
            emitter = e;
            e.complete();
          }),
        );
        expect(items).toEqual([]);
        emitter!.error(bug);
        expect(captured.errors).toEqual([bug]);
        expect(captured.dropped).toEqual([]);
      } finally {
        captured.restore();
      }
    });
  });

  describe('siblings: every stage that can receive an error after it cancelled', () => {
    function dropsOnly(run: (late: Error) => void | Promise<void>): () => Promise<void> {
      return async () => {
        const captured = captureReportedErrors();
        try {
          const late = new Error('late');
          await run(late);
          await settle();
          expect(captured.dropped).toEqual([late]);
          expect(captured.errors).toEqual([]);
        } finally {
          captured.restore();
        }
      };
    }

    it('the boundary adapter drops a foreign publisher\'s error after cancel (§3.12 allows it to arrive)', dropsOnly((late) => {
      const upstream = new TestPublisher<number>({ allow: { ignoreCancel: true } });
      const s = new TestSubscriber<number>(1);
      take<number>(5)(upstream).subscribe(s);
      s.cancel();
      upstream.error(late);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'cancel']);
    }));

    it('mergeMap drops an inner foreign publisher\'s error after cancel', dropsOnly((late) => {
      const inner = new TestPublisher<number>({ allow: { ignoreCancel: true } });
      const s = new TestSubscriber<number>(1);
      range(0, 1).pipe(mergeMap(() => inner)).subscribe(s);
      s.cancel();
      inner.error(late);
    }));

    it('finalize drops a callback that throws on cancel', dropsOnly(async (late) => {
      await firstValue(range(0, 5).pipe(finalize((signal) => {
        if (signal === 'cancel') throw late;
      })));
    }));

    it('tap drops an onCancel that throws', dropsOnly(async (late) => {
      await firstValue(range(0, 5).pipe(tap({ cancel: () => { throw late; } })));
    }));

    it('using drops a dispose that throws on cancel', dropsOnly(async (late) => {
      await firstValue(using(() => ({}), () => range(0, 5), () => { throw late; }));
    }));

    it('BaseSubscriber drops a hookOnCancel that throws and an error arriving after cancel', async () => {
      const captured = captureReportedErrors();
      try {
        const upstream = new TestPublisher<number>({ allow: { ignoreCancel: true } });
        const hookError = new Error('hookOnCancel failed');
        const late = new Error('late');
        const subscriber = new (class extends BaseSubscriber<number> {
          protected override hookOnCancel(): void {
            throw hookError;
          }
        })();
        upstream.subscribe(subscriber);
        subscriber.cancel();
        upstream.error(late);
        expect(captured.dropped).toEqual([hookError, late]);
        expect(captured.errors).toEqual([]);
      } finally {
        captured.restore();
      }
    });
  });

  describe('the onErrorDropped hook', () => {
    it('by default writes one console warning and does not throw', async () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      let emitter: CreateEmitter<number> | null = null;
      await firstValue(
        create<number>((e) => {
          emitter = e;
          e.next(1);
        }),
      );
      const late = new Error('late');
      emitter!.error(late);
      await settle();
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]).toContain(late);
    });

    it('receives dropped errors once installed, and the returned function restores the previous hook', () => {
      const seen: unknown[] = [];
      const restore = onErrorDropped((error) => seen.push(error));
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      try {
        reportDroppedError('first');
      } finally {
        restore();
      }
      reportDroppedError('second');
      expect(seen).toEqual(['first']);
      expect(warn).toHaveBeenCalledTimes(1);
    });

    it('falls back to the warning when the hook itself throws', () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const restore = onErrorDropped(() => {
        throw new Error('hook failed');
      });
      try {
        expect(() => reportDroppedError('x')).not.toThrow();
      } finally {
        restore();
      }
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]).toContain('x');
    });

    it('rejects a hook that is neither a function nor null', () => {
      expect(() => onErrorDropped(42 as unknown as () => void)).toThrow(TypeError);
    });
  });
});
