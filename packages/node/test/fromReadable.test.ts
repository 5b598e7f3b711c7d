import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { captureReportedErrors, TestSubscriber } from '@sluice/core/testing';
import { fromReadable } from '@sluice/node';
import { chunkAt, GeneratedBytes, listenerCounts, objectSource, settle, until } from './helpers';

const noListeners = { readable: 0, data: 0, end: 0, error: 0, close: 0, drain: 0, finish: 0 };

describe('fromReadable', () => {
  describe('behaviour', () => {
    it('emits the objects of an object-mode readable in order, then completes', async () => {
      const s = new TestSubscriber<string>('unbounded');
      fromReadable<string>(objectSource(['a', 'b', 'c'])).subscribe(s);
      await until(() => s.terminated, 'completion');
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(a)', 'next(b)', 'next(c)', 'complete']);
      expect(s.violations).toEqual([]);
    });

    it('emits Buffer chunks of a byte readable that concatenate to the input', async () => {
      const source = new GeneratedBytes(300_000, 10_000, 16_384);
      const s = new TestSubscriber<Buffer>('unbounded');
      fromReadable(source).subscribe(s);
      await until(() => s.terminated, 'completion');
      expect(s.completed).toBe(true);
      const all = Buffer.concat(s.values);
      expect(all.length).toBe(300_000);
      expect(all.equals(chunkAt(0, 300_000))).toBe(true);
      expect(s.values.every((chunk) => Buffer.isBuffer(chunk))).toBe(true);
    });

    it('re-chunks bytes to at most maxChunkSize without losing or reordering bytes', async () => {
      const readable = new PassThrough();
      const s = new TestSubscriber<Buffer>('unbounded');
      fromReadable(readable, { maxChunkSize: 4 }).subscribe(s);
      readable.end(Buffer.from('abcdefghij'));
      await until(() => s.terminated, 'completion');
      expect(s.values.map((b) => b.toString())).toEqual(['abcd', 'efgh', 'ij']);
    });

    it('re-chunks strings of an encoded readable', async () => {
      const readable = new PassThrough();
      readable.setEncoding('utf8');
      const s = new TestSubscriber<string>('unbounded');
      fromReadable<string>(readable, { maxChunkSize: 3 }).subscribe(s);
      readable.end('hello!!');
      await until(() => s.terminated, 'completion');
      expect(s.values).toEqual(['hel', 'lo!', '!']);
    });

    it('removes every listener it added once completed', async () => {
      const readable = objectSource([1, 2]);
      const before = listenerCounts(readable);
      const s = new TestSubscriber<number>('unbounded');
      fromReadable<number>(readable).subscribe(s);
      // Unbounded demand: flowing mode, one 'data' listener instead of the paused mode's 'readable' listener.
      expect(readable.listenerCount('data')).toBe(1);
      expect(readable.listenerCount('readable')).toBe(0);
      await until(() => s.completed, 'completion');
      expect(listenerCounts(readable)).toEqual(before);
    });
  });

  describe('demand', () => {
    it('reads nothing before the first request and does not flow without demand', async () => {
      const readable = objectSource([1, 2, 3], { highWaterMark: 2 });
      const s = new TestSubscriber<number>();
      fromReadable<number>(readable).subscribe(s);
      await settle();
      expect(s.log).toEqual(['subscribe']);
      expect(readable.readableFlowing).toBe(false);
      // Node prefetches up to its own high-water mark, no further.
      expect(readable.readableLength).toBeLessThanOrEqual(2);
    });

    it('emits exactly what was requested, one request at a time', async () => {
      const s = new TestSubscriber<number>();
      fromReadable<number>(objectSource([1, 2, 3, 4, 5])).subscribe(s);
      s.request(2);
      await until(() => s.count === 2, 'two items');
      await settle();
      expect(s.count).toBe(2);
      s.request(1);
      await until(() => s.count === 3, 'third item');
      await settle();
      expect(s.count).toBe(3);
      s.request(10);
      await until(() => s.terminated, 'completion');
      expect(s.values).toEqual([1, 2, 3, 4, 5]);
      expect(s.violations).toEqual([]);
    });

    it('stops the source at its high-water mark while there is no demand (the source is suspended)', async () => {
      const source = new GeneratedBytes(10 * 1024 * 1024, 1024, 8 * 1024);
      const s = new TestSubscriber<Buffer>(1);
      fromReadable(source).subscribe(s);
      await settle(20);
      expect(s.count).toBe(1);
      // Node filled its buffer to the high-water mark and stopped calling _read: producer suspended.
      expect(source.readableLength).toBeLessThanOrEqual(8 * 1024);
      const producedWhileIdle = source.pushed;
      await settle(20);
      expect(source.pushed).toBe(producedWhileIdle);
      expect(producedWhileIdle).toBeLessThanOrEqual(8 * 1024 + 2 * 1024);
      s.cancel();
    });

    it('holds at most one re-chunk remainder itself', async () => {
      const readable = new PassThrough();
      const s = new TestSubscriber<Buffer>(1);
      fromReadable(readable, { maxChunkSize: 2 }).subscribe(s);
      readable.write(Buffer.from('abcdef'));
      await until(() => s.count === 1, 'first piece');
      const snapshot = (s.subscription as any).inspect();
      expect(snapshot.stage).toBe('fromReadable');
      expect(snapshot.buffered).toBe(4);
      expect(snapshot.requested).toBe(0);
      s.request(2);
      expect(s.values.map(String)).toEqual(['ab', 'cd', 'ef']);
      s.cancel();
    });

    it('keeps depth 1 when request(1) is called from inside onNext', async () => {
      const items = Array.from({ length: 200 }, (_, i) => i);
      const s = new TestSubscriber<number>({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      fromReadable<number>(objectSource(items, { highWaterMark: 64, async: false })).subscribe(s);
      await until(() => s.terminated, 'completion');
      expect(s.values).toEqual(items);
      expect(s.maxOnNextDepth).toBe(1);
    });

    it('signals onError(RangeError) for request(0) and destroys the readable', async () => {
      const readable = objectSource([1, 2]);
      const s = new TestSubscriber<number>();
      fromReadable<number>(readable).subscribe(s);
      expect(() => s.request(0)).not.toThrow();
      expect(s.error).toBeInstanceOf(RangeError);
      expect(s.error?.message).toMatch(/^§3\.9:/);
      expect(readable.destroyed).toBe(true);
      // One 'error' listener stays until 'close', so an error emitted while destroying is not uncaught (item 5).
      expect(listenerCounts(readable)).toEqual({ ...noListeners, error: 1, close: 1 });
      await settle();
      expect(listenerCounts(readable)).toEqual(noListeners);
    });
  });

  describe('flowing mode and its bound', () => {
    /**
     * A well-behaved source whose read() pushes synchronously until push() says stop (as the bench's and many real
     * generators do), counting every chunk it handed to Node.
     */
    function countingSource(total: number, options: { objectMode: boolean; highWaterMark: number; chunk?: number; async?: boolean }) {
      const source = new Readable({
        objectMode: options.objectMode,
        highWaterMark: options.highWaterMark,
        read() {
          source.reads++;
          const fill = (): void => {
            while (source.pushed < total) {
              const i = source.pushed++;
              source.pushedBytes += options.chunk ?? 1;
              if (!source.push(options.objectMode ? i : Buffer.alloc(options.chunk!, i & 0xff))) return;
            }
            source.push(null);
          };
          // async: pushes outside _read, where Node emits a pushed chunk straight to 'data' (its other path)
          if (options.async) setImmediate(fill);
          else fill();
        },
      }) as Readable & { pushed: number; pushedBytes: number; reads: number };
      source.pushed = 0;
      source.pushedBytes = 0;
      source.reads = 0;
      return source;
    }

    for (const async of [false, true]) {
      it(`never reads more than the high-water mark plus the chunk in hand beyond demand (objects, ${async ? 'asynchronous' : 'synchronous'} pushes)`, async () => {
        const hwm = 4;
        const source = countingSource(2_000, { objectMode: true, highWaterMark: hwm, async });
        let worst = 0;
        const s = new TestSubscriber<number>({
          onNext: () => {
            worst = Math.max(worst, source.pushed - s.count); // s.count includes the item being delivered
          },
        });
        fromReadable<number>(source).subscribe(s);
        // Demand in uneven batches, each followed by a pause with no demand at all.
        const batches = [1, 3, 7, 50, 2, 300, 1, 1, 640, 5, 1_000];
        let asked = 0;
        for (const n of batches) {
          s.request(n);
          asked += n;
          await until(() => s.count === Math.min(asked, 2_000) || s.terminated, `${asked} items`);
          await settle(3);
          expect(s.count).toBe(Math.min(asked, 2_000));
          // Without demand Node's buffer holds at most its high-water mark plus the one pushed chunk that crosses it
          // (a source pushing outside _read can add one after the mark), and nothing more is read.
          expect(source.pushed - s.count).toBeLessThanOrEqual(hwm + 1);
          const pushed = source.pushed;
          await settle(3);
          expect(source.pushed).toBe(pushed);
          if (!s.terminated) expect(source.readableFlowing).toBe(false); // demand spent: paused
        }
        await until(() => s.terminated, 'completion');
        expect(s.values).toEqual(Array.from({ length: 2_000 }, (_, i) => i));
        expect(s.completed).toBe(true);
        // At any onNext: Node's buffer (≤ hwm + one pushed chunk) plus the one chunk in hand.
        expect(worst).toBeLessThanOrEqual(hwm + 2);
        expect(s.violations).toEqual([]);
      });
    }

    it('never reads more than the high-water mark plus the chunk in hand beyond demand (bytes)', async () => {
      const hwm = 4096;
      const chunk = 1000;
      const source = countingSource(3_000, { objectMode: false, highWaterMark: hwm, chunk });
      let delivered = 0;
      let worst = 0;
      const s = new TestSubscriber<Buffer>({
        onNext: (b) => {
          delivered += b.length;
          worst = Math.max(worst, source.pushedBytes - delivered + b.length);
        },
      });
      fromReadable(source).subscribe(s);
      for (const n of [1, 2, 10, 1, 100, 3, 4_000]) {
        s.request(n);
        await settle(3);
        // Byte mode: push() accepts the chunk that crosses the mark, so Node holds < hwm + one chunk.
        expect(source.pushedBytes - delivered).toBeLessThan(hwm + chunk);
      }
      await until(() => s.terminated, 'completion');
      expect(delivered).toBe(3_000 * chunk);
      // At any onNext: Node's buffer (< hwm + one pushed chunk) plus the chunk in hand.
      expect(worst).toBeLessThan(hwm + 2 * chunk);
    });

    it('flows while demand outruns the buffer and pauses when it is spent', async () => {
      const source = countingSource(100_000, { objectMode: true, highWaterMark: 16 });
      let flowingSeen = false;
      const s = new TestSubscriber<number>({ onNext: () => { flowingSeen ||= source.readableFlowing === true; } });
      fromReadable<number>(source).subscribe(s);
      s.request(50_000);
      await until(() => s.count === 50_000, 'the first half');
      expect(flowingSeen).toBe(true);
      await settle(2);
      expect(source.readableFlowing).toBe(false);
      expect(source.listenerCount('data')).toBe(0);
      expect(source.listenerCount('readable')).toBe(1);
      expect(s.count).toBe(50_000);
      s.request(Number.MAX_SAFE_INTEGER);
      await until(() => s.terminated, 'completion');
      expect(s.count).toBe(100_000);
      expect(s.completed).toBe(true);
    });

    it('completes without demand when the stream ends while paused', async () => {
      const readable = new PassThrough({ objectMode: true });
      const s = new TestSubscriber<string>(2);
      fromReadable<string>(readable).subscribe(s);
      readable.write('a');
      readable.write('b');
      await until(() => s.count === 2, 'both items');
      readable.end();
      await until(() => s.terminated, 'completion without demand');
      expect(s.log).toEqual(['subscribe', 'request(2)', 'next(a)', 'next(b)', 'complete']);
    });

    it('keeps order and the bound when a chunk is pushed from inside onNext while a split chunk is in hand', async () => {
      const readable = new Readable({ objectMode: true, read() {} });
      const s = new TestSubscriber<Buffer>({
        initialRequest: 'unbounded',
        onNext: () => {
          // Node's buffer is empty and the stream flows: Node emits this push at once, while 'cdef' is in hand.
          if (s.count === 1) readable.push(Buffer.from('xy'));
        },
      });
      fromReadable<Buffer>(readable, { maxChunkSize: 2 }).subscribe(s);
      readable.push(Buffer.from('abcdef'));
      await until(() => s.count === 4, 'four pieces');
      expect((s.subscription as any).inspect().buffered).toBe(0);
      readable.push(Buffer.from('z'));
      readable.push(null);
      await until(() => s.terminated, 'completion');
      expect(s.values.map(String)).toEqual(['ab', 'cd', 'ef', 'xy', 'z']);
      expect(s.completed).toBe(true);
    });

    it('stays in paused mode for bytes with maxChunkSize (read(n) slices in place, nothing in hand)', async () => {
      const source = countingSource(200, { objectMode: false, highWaterMark: 4096, chunk: 1000 });
      let flowingSeen = false;
      const s = new TestSubscriber<Buffer>({ initialRequest: 'unbounded', onNext: () => { flowingSeen ||= source.readableFlowing === true; } });
      fromReadable(source, { maxChunkSize: 512 }).subscribe(s);
      await until(() => s.terminated, 'completion');
      expect(flowingSeen).toBe(false);
      expect(Buffer.concat(s.values).length).toBe(200_000);
      expect(s.values.every((b) => b.length <= 512)).toBe(true);
    });

    it('leaves a flowing readable paused, with nothing lost, when cancelled with destroyOnCancel: false', async () => {
      const source = countingSource(1_000, { objectMode: true, highWaterMark: 8 });
      const s = new TestSubscriber<number>({ initialRequest: 'unbounded', onNext: (_, sub) => { if (s.count === 300) sub.cancel(); } });
      fromReadable<number>(source, { destroyOnCancel: false }).subscribe(s);
      await until(() => s.count === 300, '300 items');
      await settle(2);
      expect(s.count).toBe(300);
      expect(source.destroyed).toBe(false);
      expect(source.readableFlowing).toBe(false);
      expect(listenerCounts(source)).toEqual(noListeners);
      const rest: number[] = [];
      for await (const item of source) rest.push(item as number);
      expect([...s.values, ...rest]).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
    });
  });

  describe('errors', () => {
    it('signals the readable error without waiting for demand, once, and removes its listeners', async () => {
      const readable = new PassThrough({ objectMode: true });
      const s = new TestSubscriber<number>();
      fromReadable<number>(readable).subscribe(s);
      readable.destroy(new Error('disk on fire'));
      await until(() => s.terminated, 'the error');
      await settle();
      expect(s.log).toEqual(['subscribe', 'error(Error: disk on fire)']);
      expect(listenerCounts(readable)).toEqual(noListeners);
    });

    it('signals an error after the items that were read before it', async () => {
      const readable = new PassThrough({ objectMode: true });
      const s = new TestSubscriber<string>('unbounded');
      fromReadable<string>(readable).subscribe(s);
      readable.write('a');
      await until(() => s.count === 1, 'first item');
      readable.destroy(new Error('boom'));
      await until(() => s.terminated, 'the error');
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(a)', 'error(Error: boom)']);
    });

    it('turns a close before end into a premature-close error', async () => {
      const readable = new PassThrough();
      const s = new TestSubscriber<Buffer>('unbounded');
      fromReadable(readable).subscribe(s);
      readable.destroy();
      await until(() => s.terminated, 'the error');
      expect(s.error?.message).toMatch(/premature close/);
      expect((s.error as NodeJS.ErrnoException).code).toBe('ERR_STREAM_PREMATURE_CLOSE');
    });

    it('fails at subscribe over a readable that already errored or was destroyed', async () => {
      const errored = new PassThrough();
      errored.on('error', () => {});
      errored.destroy(new Error('earlier'));
      await settle();
      const s1 = new TestSubscriber<Buffer>();
      fromReadable(errored).subscribe(s1);
      expect(s1.error?.message).toBe('earlier');
      const destroyed = new PassThrough();
      destroyed.destroy();
      await settle();
      const s2 = new TestSubscriber<Buffer>();
      fromReadable(destroyed).subscribe(s2);
      expect(s2.error?.message).toMatch(/premature close/);
    });

    it('rejects a second subscriber, since a Readable can be consumed once', () => {
      const flow = fromReadable(objectSource([1]));
      flow.subscribe(new TestSubscriber());
      const second = new TestSubscriber();
      flow.subscribe(second);
      expect(second.log[0]).toBe('subscribe');
      expect(second.error?.message).toMatch(/consumed once/);
    });

    it('reports (never swallows) a subscriber that throws from onNext, and destroys the readable', async () => {
      const reported = captureReportedErrors();
      try {
        const readable = objectSource([1, 2, 3]);
        const s = new TestSubscriber<number>({
          initialRequest: 'unbounded',
          onNext: () => {
            throw new Error('subscriber bug');
          },
        });
        fromReadable<number>(readable).subscribe(s);
        await until(() => reported.errors.length > 0, 'the report');
        expect((reported.errors[0] as Error).message).toBe('subscriber bug');
        expect(readable.destroyed).toBe(true);
        expect(listenerCounts(readable)).toEqual(noListeners);
      } finally {
        reported.restore();
      }
    });
  });

    it('a subscriber throwing from onNext while flowing (the per-chunk fast path) gets nothing more; it is reported once', async () => {
      const reported = captureReportedErrors();
      try {
        let i = 0;
        const readable = new Readable({ objectMode: true, highWaterMark: 4, read() { this.push(i < 1000 ? i++ : null); } });
        const s = new TestSubscriber<number>({
          initialRequest: 'unbounded',
          onNext: (v) => {
            if (v === 500) throw new Error('subscriber bug');
          },
        });
        fromReadable<number>(readable).subscribe(s);
        await until(() => reported.errors.length > 0, 'the report');
        await settle();
        expect(s.values.at(-1)).toBe(500);
        expect(s.count).toBe(501);
        expect(reported.errors.map((e) => (e as Error).message)).toEqual(['subscriber bug']);
        expect(readable.destroyed).toBe(true);
        expect(listenerCounts(readable)).toEqual(noListeners);
      } finally {
        reported.restore();
      }
    });

  describe('cancellation', () => {
    it('destroys the readable and removes its listeners on cancel', async () => {
      const readable = objectSource([1, 2, 3]);
      const s = new TestSubscriber<number>(1);
      fromReadable<number>(readable).subscribe(s);
      await until(() => s.count === 1, 'first item');
      s.cancel();
      expect(readable.destroyed).toBe(true);
      expect(listenerCounts(readable)).toEqual({ ...noListeners, error: 1, close: 1 }); // kept until 'close' (item 5)
      await settle();
      expect(listenerCounts(readable)).toEqual(noListeners);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(1)', 'cancel']);
    });

    it('leaves the readable paused and reusable with destroyOnCancel: false', async () => {
      const readable = objectSource(['a', 'b', 'c']);
      const s = new TestSubscriber<string>(1);
      fromReadable<string>(readable, { destroyOnCancel: false }).subscribe(s);
      await until(() => s.count === 1, 'first item');
      s.cancel();
      expect(readable.destroyed).toBe(false);
      expect(listenerCounts(readable)).toEqual(noListeners);
      const rest: string[] = [];
      for await (const item of readable) rest.push(item as string);
      expect(rest).toEqual(['b', 'c']);
    });

    it('stops at once when cancelled from inside onNext', async () => {
      const readable = objectSource([1, 2, 3], { async: false });
      const s = new TestSubscriber<number>({ initialRequest: 'unbounded', onNext: (_, sub) => sub.cancel() });
      fromReadable<number>(readable).subscribe(s);
      await until(() => s.count === 1, 'first item');
      await settle();
      expect(s.count).toBe(1);
      expect(s.terminated).toBe(false);
    });

    it('destroys at cancel before the first request', () => {
      const readable = new PassThrough();
      const s = new TestSubscriber<Buffer>();
      fromReadable(readable).subscribe(s);
      s.cancel();
      s.request(3);
      expect(readable.destroyed).toBe(true);
      expect(s.log).toEqual(['subscribe', 'cancel', 'request(3)']);
    });
  });

  describe('empty and edge cases', () => {
    it('completes an empty readable without any request', async () => {
      const s = new TestSubscriber<number>();
      fromReadable<number>(Readable.from([])).subscribe(s);
      await until(() => s.terminated, 'completion');
      expect(s.log).toEqual(['subscribe', 'complete']);
    });

    it('completes at once over a readable that already ended', async () => {
      const readable = Readable.from(['x']);
      for await (const _ of readable) void _;
      const s = new TestSubscriber<string>();
      fromReadable<string>(readable).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
    });

    it('rejects invalid arguments at assembly time', () => {
      expect(() => fromReadable(null as never)).toThrow(TypeError);
      expect(() => fromReadable({} as never)).toThrow(TypeError);
      expect(() => fromReadable(new PassThrough(), { maxChunkSize: 0 })).toThrow(RangeError);
      expect(() => fromReadable(new PassThrough(), { maxChunkSize: 1.5 })).toThrow(RangeError);
    });
  });
});
