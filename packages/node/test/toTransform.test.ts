import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { flowOf, map, take, type Operator, type Publisher } from '@sluice/core';
import { toTransform } from '@sluice/node';
import { settle, SlowWritable, until, watchdog } from './helpers';

/** An operator that passes everything through and records whether the pipeline cancelled it. */
function watchCancel<T>(record: { cancelled: boolean }): Operator<T, T> {
  return (source: Publisher<T>) =>
    flowOf<T>((subscriber) =>
      source.subscribe({
        onSubscribe: (s) =>
          subscriber.onSubscribe({
            request: (n) => s.request(n),
            cancel: () => {
              record.cancelled = true;
              s.cancel();
            },
          }),
        onNext: (v) => subscriber.onNext(v),
        onError: (e) => subscriber.onError(e),
        onComplete: () => subscriber.onComplete(),
      }),
    );
}

function collector<T>() {
  const items: T[] = [];
  const writable = new Writable({
    objectMode: true,
    write(chunk: T, _e, cb) {
      items.push(chunk);
      cb();
    },
  });
  return { items, writable };
}

describe('toTransform', () => {
  describe('behaviour', () => {
    it('runs written chunks through the operators inside stream.pipeline', async () => {
      const { items, writable } = collector<number>();
      await watchdog(pipeline(Readable.from([1, 2, 3, 4]), toTransform(map((n: number) => n * 10)), writable));
      expect(items).toEqual([10, 20, 30, 40]);
    });

    it('transforms bytes with objectMode: false', async () => {
      const parts: string[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _e, cb) {
          parts.push(chunk.toString());
          cb();
        },
      });
      const upper = toTransform({ objectMode: false }, map((b: Buffer) => Buffer.from(b.toString().toUpperCase())));
      await watchdog(pipeline(Readable.from([Buffer.from('abc'), Buffer.from('def')], { objectMode: false }), upper, sink));
      expect(parts.join('')).toBe('ABCDEF');
    });

    it('ends the readable side and lets the pipeline finish when an operator completes early (take)', async () => {
      const { items, writable } = collector<number>();
      const source = Readable.from(Array.from({ length: 100 }, (_, i) => i));
      await watchdog(pipeline(source, toTransform(take(3)), writable));
      expect(items).toEqual([0, 1, 2]);
    });
  });

  describe('demand', () => {
    it('is backpressured on both sides: write() turns false and the readable side stays within its bound', async () => {
      const record = { cancelled: false };
      let mapped = 0;
      const t = toTransform(
        { writableHighWaterMark: 2, readableHighWaterMark: 2 },
        map((n: number) => {
          mapped++;
          return n;
        }),
        watchCancel<number>(record),
      );
      t.read(0); // start the pipeline, then read nothing
      let accepted = 0;
      for (let i = 0; i < 20; i++) if (t.write(i)) accepted++;
      await settle(10);
      expect(accepted).toBeLessThan(20); // write() returned false: backpressure reached the writer
      expect(t.readableLength).toBeLessThanOrEqual(3);
      expect(mapped).toBeLessThanOrEqual(2 + 1); // the operators ran only against the readable side's room
      const out: number[] = [];
      t.on('data', (n: number) => out.push(n));
      t.end();
      await until(() => t.readableEnded, 'the end');
      expect(out).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(record.cancelled).toBe(false);
    });

    it('holds a slow consumer back to the high-water marks end to end', async () => {
      const sink = new SlowWritable({ objectMode: true, highWaterMark: 2 });
      let produced = 0;
      const source = new Readable({
        objectMode: true,
        highWaterMark: 2,
        read() {
          this.push(produced < 1000 ? produced++ : null);
        },
      });
      const done = pipeline(source, toTransform({ readableHighWaterMark: 2, writableHighWaterMark: 2 }, map((n: number) => n)), sink);
      await settle(20);
      // Everything between the producer and the stuck sink is bounded by the three streams' buffers.
      expect(produced).toBeLessThanOrEqual(2 + 1 + 2 + 1 + 1 + 2 + 1 + 2);
      while (sink.release(1) > 0 || !sink.writableFinished) await settle(1);
      await watchdog(done);
      expect(sink.chunks).toHaveLength(1000);
    });
  });

  describe('errors', () => {
    it('destroys the duplex with an operator error, which fails the pipeline and destroys the source', async () => {
      const source = Readable.from([1, 2, 3]);
      const boom = map((n: number) => {
        if (n === 2) throw new Error('bad record');
        return n;
      });
      await expect(watchdog(pipeline(source, toTransform(boom), collector().writable))).rejects.toThrow('bad record');
      expect(source.destroyed).toBe(true);
    });

    it('cancels the sluice pipeline when the source fails', async () => {
      const record = { cancelled: false };
      const source = new Readable({ objectMode: true, read() {} });
      const done = pipeline(source, toTransform(watchCancel<number>(record)), collector().writable);
      source.push(1);
      await settle();
      source.destroy(new Error('source broke'));
      await expect(watchdog(done)).rejects.toThrow('source broke');
      expect(record.cancelled).toBe(true);
    });

    it('cancels the sluice pipeline when the sink fails', async () => {
      const record = { cancelled: false };
      const sink = new Writable({ objectMode: true, write: (_c, _e, cb) => cb(new Error('sink broke')) });
      let n = 0;
      const endless = new Readable({
        objectMode: true,
        read() {
          this.push(n++);
        },
      });
      const done = pipeline(endless, toTransform(watchCancel<number>(record)), sink);
      await expect(watchdog(done)).rejects.toThrow('sink broke');
      expect(record.cancelled).toBe(true);
      expect(endless.destroyed).toBe(true);
    });
  });

  describe('cancellation', () => {
    it('cancels the sluice pipeline when destroyed', async () => {
      const record = { cancelled: false };
      const t = toTransform(watchCancel<number>(record));
      t.read(0);
      await settle();
      t.destroy();
      expect(record.cancelled).toBe(true);
    });

    it('destroys with an AbortError and cancels when the signal aborts', async () => {
      const record = { cancelled: false };
      const controller = new AbortController();
      const source = new Readable({ objectMode: true, read() {} });
      const done = pipeline(source, toTransform({ signal: controller.signal }, watchCancel<number>(record)), collector().writable);
      await settle();
      controller.abort();
      await expect(watchdog(done)).rejects.toMatchObject({ name: 'AbortError' });
      expect(record.cancelled).toBe(true);
      expect(source.destroyed).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('ends the readable side for an empty input', async () => {
      const { items, writable } = collector<number>();
      await watchdog(pipeline(Readable.from([]), toTransform(map((n: number) => n)), writable));
      expect(items).toEqual([]);
    });

    it('accepts writes before anyone reads', async () => {
      const t = toTransform(map((n: number) => n + 1));
      t.write(1);
      t.end();
      const out: number[] = [];
      for await (const n of t) out.push(n as number);
      expect(out).toEqual([2]);
    });

    it('rejects non-operators at assembly time', () => {
      expect(() => toTransform(42 as never)).toThrow(TypeError);
      expect(() => toTransform({}, 'x' as never)).toThrow(TypeError);
      expect(() => toTransform({ readableHighWaterMark: -1 })).toThrow(RangeError);
    });
  });
});
