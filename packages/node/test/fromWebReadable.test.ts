import { describe, expect, it } from 'vitest';
import { TestSubscriber } from '@sluice/core/testing';
import { fromWebReadable } from '@sluice/node';
import { settle, until } from './helpers';

/** A ReadableStream over `items` that records how many times its source was pulled and whether it was cancelled. */
function recordingStream<T>(items: T[], highWaterMark = 0) {
  const record = { pulls: 0, cancelled: false as boolean | unknown };
  let index = 0;
  const stream = new ReadableStream<T>(
    {
      pull(controller) {
        record.pulls++;
        if (index < items.length) controller.enqueue(items[index++]!);
        else controller.close();
      },
      cancel(reason) {
        record.cancelled = reason ?? true;
      },
    },
    { highWaterMark },
  );
  return { stream, record };
}

describe('fromWebReadable', () => {
  describe('behaviour', () => {
    it('emits the chunks in order, then completes and releases the lock', async () => {
      const { stream } = recordingStream(['a', 'b', 'c']);
      const s = new TestSubscriber<string>('unbounded');
      fromWebReadable(stream).subscribe(s);
      await until(() => s.terminated, 'completion');
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(a)', 'next(b)', 'next(c)', 'complete']);
      expect(stream.locked).toBe(false);
    });
  });

  describe('demand', () => {
    it('reads only against demand, one read in flight at most', async () => {
      const { stream, record } = recordingStream([1, 2, 3, 4, 5]);
      const s = new TestSubscriber<number>();
      fromWebReadable(stream).subscribe(s);
      await settle();
      expect(record.pulls).toBe(0); // high-water mark 0 and no demand: the source is never pulled
      s.request(2);
      await until(() => s.count === 2, 'two items');
      await settle();
      expect(s.count).toBe(2);
      expect(record.pulls).toBe(2);
      s.request(1);
      await until(() => s.count === 3, 'third item');
      await settle();
      expect(record.pulls).toBe(3);
      expect(s.violations).toEqual([]);
    });

    it('keeps depth 1 when request(1) is called from inside onNext', async () => {
      const items = Array.from({ length: 100 }, (_, i) => i);
      const s = new TestSubscriber<number>({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      fromWebReadable(recordingStream(items).stream).subscribe(s);
      await until(() => s.terminated, 'completion');
      expect(s.values).toEqual(items);
      expect(s.maxOnNextDepth).toBe(1);
    });

    it('signals onError(RangeError) for request(-1) and cancels the stream', async () => {
      const { stream, record } = recordingStream([1]);
      const s = new TestSubscriber<number>();
      fromWebReadable(stream).subscribe(s);
      s.request(-1);
      expect(s.error?.message).toMatch(/^§3\.9:/);
      await settle();
      expect(record.cancelled).toBe(true);
    });
  });

  describe('errors', () => {
    it('signals the stream error', async () => {
      const stream = new ReadableStream<number>({
        start(controller) {
          controller.enqueue(1);
          controller.error(new Error('socket reset'));
        },
      });
      const s = new TestSubscriber<number>('unbounded');
      fromWebReadable(stream).subscribe(s);
      await until(() => s.terminated, 'the error');
      expect(s.error?.message).toBe('socket reset');
      expect(stream.locked).toBe(false);
    });

    it('signals onError(TypeError) for a null chunk (§2.13)', async () => {
      const stream = new ReadableStream<unknown>({ start: (c) => c.enqueue(null) });
      const s = new TestSubscriber<unknown>(1);
      fromWebReadable(stream).subscribe(s);
      await until(() => s.terminated, 'the error');
      expect(s.error).toBeInstanceOf(TypeError);
      expect(s.error?.message).toMatch(/^§2\.13:/);
    });

    it('fails the subscriber of a locked stream', () => {
      const { stream } = recordingStream([1]);
      stream.getReader();
      const s = new TestSubscriber<number>();
      fromWebReadable(stream).subscribe(s);
      expect(s.log[0]).toBe('subscribe');
      expect(s.error).toBeInstanceOf(TypeError);
    });
  });

  describe('cancellation', () => {
    it('cancels the stream on cancel', async () => {
      const { stream, record } = recordingStream([1, 2, 3]);
      const s = new TestSubscriber<number>(1);
      fromWebReadable(stream).subscribe(s);
      await until(() => s.count === 1, 'first item');
      s.cancel();
      await settle();
      expect(record.cancelled).toBe(true);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(1)', 'cancel']);
    });

    it('releases the lock without cancelling with preventCancel', async () => {
      const { stream, record } = recordingStream([1, 2, 3]);
      const s = new TestSubscriber<number>(1);
      fromWebReadable(stream, { preventCancel: true }).subscribe(s);
      await until(() => s.count === 1, 'first item');
      s.cancel();
      await settle();
      expect(record.cancelled).toBe(false);
      expect(stream.locked).toBe(false);
      const reader = stream.getReader();
      expect((await reader.read()).value).toBe(2);
    });
  });

  describe('empty and edge cases', () => {
    it('completes an empty stream without any request', async () => {
      const s = new TestSubscriber<number>();
      fromWebReadable(new ReadableStream<number>({ start: (c) => c.close() })).subscribe(s);
      await until(() => s.terminated, 'completion');
      expect(s.log).toEqual(['subscribe', 'complete']);
    });

    it('signals a stream error without any request', async () => {
      const s = new TestSubscriber<number>();
      fromWebReadable(new ReadableStream<number>({ start: (c) => c.error(new Error('refused')) })).subscribe(s);
      await until(() => s.terminated, 'the error');
      expect(s.log).toEqual(['subscribe', 'error(Error: refused)']);
    });

    it('rejects a non-stream at assembly time', () => {
      expect(() => fromWebReadable({} as never)).toThrow(TypeError);
    });
  });
});
