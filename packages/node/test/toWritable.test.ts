import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { map, range } from '@sluice/core';
import { captureReportedErrors, TestPublisher } from '@sluice/core/testing';
import { pipeTo, toWritable } from '@sluice/node';
import { listenerCounts, outcome, settle, SlowWritable, until, watchdog } from './helpers';

const noListeners = { readable: 0, data: 0, end: 0, error: 0, close: 0, drain: 0, finish: 0 };

describe('toWritable', () => {
  describe('behaviour', () => {
    it('writes every item in order, ends the writable and resolves once it finished', async () => {
      const writable = new SlowWritable({ objectMode: true });
      const sink = toWritable<number>(writable);
      range(0, 5).subscribe(sink);
      const done = outcome(sink.finished);
      await settle();
      expect(done.settled).toBe(false); // writes still pending in the slow writable
      while (!done.settled) {
        writable.release();
        await settle(1);
      }
      expect(writable.chunks).toEqual([0, 1, 2, 3, 4]);
      expect(writable.writableFinished).toBe(true);
      expect(done.error).toBeUndefined();
      expect(listenerCounts(writable)).toEqual(noListeners);
    });

    it('pipeTo subscribes and returns the completion promise', async () => {
      const chunks: string[] = [];
      const writable = new Writable({
        write(chunk, _enc, cb) {
          chunks.push(String(chunk));
          cb();
        },
      });
      await watchdog(pipeTo(range(1, 3).pipe(map((n) => `${n};`)), writable));
      expect(chunks.join('')).toBe('1;2;3;');
    });

    it('resolves only on finish, not on a drain that follows end()', async () => {
      const writable = new SlowWritable({ objectMode: true, highWaterMark: 1 });
      const source = new TestPublisher<number>();
      const sink = toWritable<number>(writable, { prefetch: 2 });
      source.subscribe(sink);
      source.next(1, 2);
      source.complete();
      const done = outcome(sink.finished);
      writable.release(1);
      await settle(); // 'drain' may fire here: the transfer is not finished until 'finish'
      expect(writable.writableFinished).toBe(false);
      expect(done.settled).toBe(false);
      while (writable.release(1) > 0) await settle(1);
      await watchdog(sink.finished);
      expect(writable.writableFinished).toBe(true);
      expect(sink.inspect()).toMatchObject({ stage: 'toWritable', terminated: true, cancelled: false, received: 2 });
    });

    it('leaves the writable open with end: false', async () => {
      const writable = new PassThrough({ objectMode: true });
      const sink = toWritable<number>(writable, { end: false });
      range(0, 3).subscribe(sink);
      await watchdog(sink.finished);
      expect(writable.writableEnded).toBe(false);
      expect(writable.read()).toBe(0);
    });
  });

  describe('demand', () => {
    it('requests prefetch up front and nothing more while write() returns false, then resumes on drain', async () => {
      const writable = new SlowWritable({ objectMode: true, highWaterMark: 2 });
      const source = new TestPublisher<number>();
      const sink = toWritable<number>(writable, { prefetch: 4 });
      source.subscribe(sink);
      expect(source.requests).toEqual([4]);
      source.next(1, 2, 3, 4); // write() returns false from the 2nd on (buffered ≥ hwm)
      expect(source.requests).toEqual([4]);
      expect(writable.writableLength).toBeLessThanOrEqual(2 + 4);
      writable.release(1);
      await settle();
      expect(source.requests).toEqual([4]); // not drained yet: three writes still buffered
      while (writable.release() > 0) await settle(1);
      await settle();
      expect(source.requests).toEqual([4, 4]);
      expect(writable.chunks).toEqual([1, 2, 3, 4]);
      source.complete();
      while (writable.release() > 0) await settle(1);
      await watchdog(sink.finished);
    });

    it('tops demand up in batches while the writable keeps accepting (75% rule)', () => {
      const writable = new Writable({ objectMode: true, highWaterMark: 100, write: (_c, _e, cb) => cb() });
      const source = new TestPublisher<number>();
      source.subscribe(toWritable<number>(writable, { prefetch: 8 }));
      for (let i = 0; i < 6; i++) source.next(i);
      expect(source.requests).toEqual([8, 6]);
    });

    it('keeps the writable buffer within its high-water mark plus prefetch', async () => {
      let max = 0;
      const writable = new SlowWritable({
        objectMode: true,
        highWaterMark: 3,
        onWrite: (w) => (max = Math.max(max, w.writableLength)),
      });
      const sink = toWritable<number>(writable, { prefetch: 2 });
      range(0, 200).subscribe(sink);
      const done = outcome(sink.finished);
      while (!done.settled) {
        max = Math.max(max, writable.writableLength);
        expect(sink.inspect().buffered).toBeLessThanOrEqual(3 + 2);
        writable.release(1);
        await settle(1);
      }
      expect(max).toBeLessThanOrEqual(5);
      expect(writable.chunks).toHaveLength(200);
    });

    it('waits for drain before the first request when the writable is already full', async () => {
      const writable = new SlowWritable({ objectMode: true, highWaterMark: 1 });
      writable.write('x');
      writable.write('y');
      const source = new TestPublisher<number>();
      source.subscribe(toWritable<number>(writable));
      expect(source.requests).toEqual([]);
      while (writable.release() > 0) await settle(1);
      expect(source.requests).toEqual([8]);
    });
  });

  describe('errors', () => {
    it('rejects with a writable error once, cancels upstream and removes its listeners', async () => {
      const writable = new Writable({
        objectMode: true,
        write: (_c, _e, cb) => cb(new Error('disk full')),
      });
      const source = new TestPublisher<number>();
      const sink = toWritable<number>(writable);
      source.subscribe(sink);
      source.next(1);
      await expect(watchdog(sink.finished)).rejects.toThrow('disk full');
      expect(source.cancelled).toBe(true);
      expect(listenerCounts(writable)).toEqual(noListeners);
    });

    it('destroys the writable and rejects with the flow error', async () => {
      const writable = new PassThrough({ objectMode: true });
      const closed = outcome(new Promise((resolve) => writable.on('close', resolve)));
      const source = new TestPublisher<number>();
      const sink = toWritable<number>(writable);
      source.subscribe(sink);
      source.error(new Error('upstream broke'));
      await expect(watchdog(sink.finished)).rejects.toThrow('upstream broke');
      await settle();
      expect(writable.destroyed).toBe(true);
      expect(closed.settled).toBe(true);
    });

    it('rejects with a premature-close error when the writable closes early', async () => {
      const writable = new PassThrough({ objectMode: true });
      const source = new TestPublisher<number>();
      const sink = toWritable<number>(writable);
      source.subscribe(sink);
      writable.destroy();
      await expect(watchdog(sink.finished)).rejects.toThrow(/premature close/);
      expect(source.cancelled).toBe(true);
    });

    it('rejects when someone else ends the writable first', async () => {
      const writable = new PassThrough({ objectMode: true });
      writable.resume();
      const source = new TestPublisher<number>();
      const sink = toWritable<number>(writable);
      source.subscribe(sink);
      writable.end();
      await expect(watchdog(sink.finished)).rejects.toThrow(/ended by someone else/);
      expect(source.cancelled).toBe(true);
    });

    it('reports an error signalled after it settled (§1.7)', async () => {
      const reported = captureReportedErrors();
      try {
        const source = new TestPublisher<number>({ allow: { afterTerminal: true } });
        const sink = toWritable<number>(new PassThrough({ objectMode: true }), { end: false });
        source.subscribe(sink);
        source.complete();
        await sink.finished;
        source.error(new Error('late'));
        expect(reported.errors).toEqual([new Error('late')]);
      } finally {
        reported.restore();
      }
    });

    it('drops (onErrorDropped), not reports, a flow error that arrives after it cancelled the flow (ADR 0012)', async () => {
      const reported = captureReportedErrors();
      try {
        const controller = new AbortController();
        const source = new TestPublisher<number>();
        const sink = toWritable<number>(new SlowWritable({ objectMode: true }), { signal: controller.signal });
        source.subscribe(sink);
        controller.abort();
        await expect(watchdog(sink.finished)).rejects.toThrow(/aborted/);
        expect(source.cancelled).toBe(true);
        source.error(new Error('late'));
        expect(reported.dropped).toEqual([new Error('late')]);
        expect(reported.errors).toEqual([]);
      } finally {
        reported.restore();
      }
    });

    it('throws TypeError for a null element (§2.13)', () => {
      const sink = toWritable<number>(new PassThrough({ objectMode: true }));
      new TestPublisher<number>().subscribe(sink);
      expect(() => sink.onNext(null as never)).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('cancels upstream, destroys the writable and rejects with the reason when aborted', async () => {
      const controller = new AbortController();
      const writable = new SlowWritable({ objectMode: true });
      const source = new TestPublisher<number>();
      const sink = toWritable<number>(writable, { signal: controller.signal });
      source.subscribe(sink);
      source.next(1);
      controller.abort();
      await expect(watchdog(sink.finished)).rejects.toThrow(/aborted/);
      expect(source.cancelled).toBe(true);
      expect(writable.destroyed).toBe(true);
    });

    it('cancels at once with an already aborted signal', async () => {
      const source = new TestPublisher<number>();
      const sink = toWritable<number>(new PassThrough(), { signal: AbortSignal.abort(new Error('too late')) });
      source.subscribe(sink);
      await expect(sink.finished).rejects.toThrow('too late');
      expect(source.cancelled).toBe(true);
      expect(source.requests).toEqual([]);
    });

    it('cancels a second subscription (§2.5)', () => {
      const sink = toWritable<number>(new PassThrough({ objectMode: true }));
      const first = new TestPublisher<number>();
      const second = new TestPublisher<number>();
      first.subscribe(sink);
      second.subscribe(sink);
      expect(second.cancelled).toBe(true);
      expect(first.cancelled).toBe(false);
    });
  });

  describe('empty and edge cases', () => {
    it('ends the writable for an empty flow', async () => {
      const writable = new PassThrough();
      await watchdog(pipeTo(range(0, 0), writable));
      expect(writable.writableFinished).toBe(true);
    });

    it('rejects at subscribe over a writable that is already destroyed', async () => {
      const writable = new PassThrough();
      writable.destroy();
      const source = new TestPublisher<number>();
      const sink = toWritable<number>(writable);
      source.subscribe(sink);
      await expect(sink.finished).rejects.toThrow(/premature close/);
      expect(source.cancelled).toBe(true);
    });

    it('rejects invalid arguments at assembly time', () => {
      expect(() => toWritable(null as never)).toThrow(TypeError);
      expect(() => toWritable(new PassThrough(), { prefetch: 0 })).toThrow(RangeError);
      expect(() => toWritable(new PassThrough(), { signal: {} as never })).toThrow(TypeError);
    });
  });
});
