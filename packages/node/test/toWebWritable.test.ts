import { describe, expect, it } from 'vitest';
import { range } from '@sluice/core';
import { captureReportedErrors, TestPublisher } from '@sluice/core/testing';
import { toWebWritable } from '@sluice/node';
import { settle, watchdog } from './helpers';

/** A WritableStream whose writes complete only when released; records chunks, closes and aborts. */
function slowStream<T>(highWaterMark: number) {
  const record = { chunks: [] as T[], closed: false, aborted: undefined as unknown, pending: [] as Array<() => void> };
  const stream = new WritableStream<T>(
    {
      write(chunk) {
        record.chunks.push(chunk);
        return new Promise<void>((resolve) => record.pending.push(resolve));
      },
      close() {
        record.closed = true;
      },
      abort(reason) {
        record.aborted = reason;
      },
    },
    new CountQueuingStrategy({ highWaterMark }),
  );
  const release = async () => {
    while (record.pending.length > 0) {
      record.pending.splice(0, 1)[0]!();
      await settle(1);
    }
  };
  return { stream, record, release };
}

describe('toWebWritable', () => {
  describe('behaviour', () => {
    it('writes every item, closes the stream and resolves', async () => {
      const { stream, record, release } = slowStream<number>(4);
      const sink = toWebWritable<number>(stream);
      range(0, 10).subscribe(sink);
      let done = false;
      void sink.finished.then(() => (done = true));
      while (!done) {
        await release();
        await settle(1);
      }
      expect(record.chunks).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(record.closed).toBe(true);
      expect(stream.locked).toBe(false);
    });
  });

  describe('demand', () => {
    it('requests desiredSize and waits for writer.ready when the queue is full', async () => {
      const { stream, release } = slowStream<number>(3);
      const source = new TestPublisher<number>();
      source.subscribe(toWebWritable<number>(stream));
      expect(source.requests).toEqual([3]);
      source.next(1, 2, 3);
      await settle();
      expect(source.requests).toEqual([3]); // desiredSize ≤ 0: waiting for ready
      await release();
      await settle();
      expect(source.requests.reduce((a, b) => a + b, 0)).toBeGreaterThan(3);
      expect(source.outstanding).toBeLessThanOrEqual(3);
    });

    it('caps demand at prefetch whatever desiredSize says', () => {
      const { stream } = slowStream<number>(100);
      const source = new TestPublisher<number>();
      source.subscribe(toWebWritable<number>(stream, { prefetch: 5 }));
      expect(source.requests).toEqual([5]);
    });
  });

  describe('errors', () => {
    it('aborts the stream with the flow error and rejects', async () => {
      const { stream, record } = slowStream<number>(2);
      const source = new TestPublisher<number>();
      const sink = toWebWritable<number>(stream);
      source.subscribe(sink);
      source.error(new Error('upstream broke'));
      await expect(watchdog(sink.finished)).rejects.toThrow('upstream broke');
      await settle();
      expect((record.aborted as Error).message).toBe('upstream broke');
    });

    it('cancels the flow and rejects once when a write fails', async () => {
      const stream = new WritableStream<number>({
        write() {
          throw new Error('quota exceeded');
        },
      });
      const source = new TestPublisher<number>();
      const sink = toWebWritable<number>(stream);
      source.subscribe(sink);
      source.next(1);
      await expect(watchdog(sink.finished)).rejects.toThrow('quota exceeded');
      expect(source.cancelled).toBe(true);
    });

    it('reports an error signalled after it settled (§1.7)', async () => {
      const reported = captureReportedErrors();
      try {
        const source = new TestPublisher<number>({ allow: { afterTerminal: true } });
        const sink = toWebWritable<number>(new WritableStream());
        source.subscribe(sink);
        source.complete();
        await sink.finished;
        source.error(new Error('late'));
        expect(reported.errors).toEqual([new Error('late')]);
      } finally {
        reported.restore();
      }
    });
  });

  describe('cancellation', () => {
    it('cancels the flow and aborts the stream when the signal aborts', async () => {
      const controller = new AbortController();
      const { stream, record } = slowStream<number>(2);
      const source = new TestPublisher<number>();
      const sink = toWebWritable<number>(stream, { signal: controller.signal });
      source.subscribe(sink);
      source.next(1);
      controller.abort();
      await expect(watchdog(sink.finished)).rejects.toMatchObject({ name: 'AbortError' });
      expect(source.cancelled).toBe(true);
      await settle();
      expect(record.aborted).toBeDefined();
    });

    it('drops (onErrorDropped), not reports, a flow error that arrives after it cancelled the flow (ADR 0012)', async () => {
      const reported = captureReportedErrors();
      try {
        const controller = new AbortController();
        const source = new TestPublisher<number>();
        const sink = toWebWritable<number>(slowStream<number>(2).stream, { signal: controller.signal });
        source.subscribe(sink);
        controller.abort();
        await expect(watchdog(sink.finished)).rejects.toMatchObject({ name: 'AbortError' });
        expect(source.cancelled).toBe(true);
        source.error(new Error('late'));
        expect(reported.dropped).toEqual([new Error('late')]);
        expect(reported.errors).toEqual([]);
      } finally {
        reported.restore();
      }
    });
  });

  describe('empty and edge cases', () => {
    it('closes the stream for an empty flow, or leaves it open with preventClose', async () => {
      const a = slowStream<number>(1);
      const sinkA = toWebWritable<number>(a.stream);
      range(0, 0).subscribe(sinkA);
      await watchdog(sinkA.finished);
      expect(a.record.closed).toBe(true);
      const b = slowStream<number>(1);
      const sinkB = toWebWritable<number>(b.stream, { preventClose: true });
      range(0, 0).subscribe(sinkB);
      await watchdog(sinkB.finished);
      expect(b.record.closed).toBe(false);
    });

    it('rejects at subscribe over a locked stream', async () => {
      const { stream } = slowStream<number>(1);
      stream.getWriter();
      const source = new TestPublisher<number>();
      const sink = toWebWritable<number>(stream);
      source.subscribe(sink);
      await expect(sink.finished).rejects.toBeInstanceOf(TypeError);
      expect(source.cancelled).toBe(true);
    });

    it('rejects invalid arguments at assembly time', () => {
      expect(() => toWebWritable({} as never)).toThrow(TypeError);
      expect(() => toWebWritable(new WritableStream(), { prefetch: 0 })).toThrow(RangeError);
    });
  });
});
