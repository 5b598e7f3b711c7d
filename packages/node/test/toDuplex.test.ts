import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import type { Processor, Subscriber, Subscription } from '@sluice/core';
import { toDuplex } from '@sluice/node';
import { settle, watchdog } from './helpers';

/**
 * A minimal one-subscriber Processor that upper-cases strings: demand passes straight through (each request from
 * its subscriber becomes a request upstream), so it adds no buffer; it records cancellation.
 */
class UpperCaseProcessor implements Processor<string, string> {
  private upstream: Subscription | null = null;
  private downstream: Subscriber<string> | null = null;
  cancelled = false;
  failOn: string | null = null;

  onSubscribe(subscription: Subscription): void {
    this.upstream = subscription;
    this.connect();
  }
  subscribe(subscriber: Subscriber<string>): void {
    this.downstream = subscriber;
    this.connect();
  }
  private connect(): void {
    if (this.upstream === null || this.downstream === null) return;
    const upstream = this.upstream;
    this.downstream.onSubscribe({
      request: (n) => upstream.request(n),
      cancel: () => {
        this.cancelled = true;
        upstream.cancel();
      },
    });
  }
  onNext(value: string): void {
    if (value === this.failOn) {
      this.upstream!.cancel();
      this.downstream!.onError(new Error(`cannot process ${value}`));
      return;
    }
    this.downstream!.onNext(value.toUpperCase());
  }
  onError(error: Error): void {
    this.downstream!.onError(error);
  }
  onComplete(): void {
    this.downstream!.onComplete();
  }
}

function collector() {
  const items: string[] = [];
  const writable = new Writable({
    objectMode: true,
    write(chunk: string, _e, cb) {
      items.push(chunk);
      cb();
    },
  });
  return { items, writable };
}

describe('toDuplex', () => {
  describe('behaviour', () => {
    it('runs a Processor inside stream.pipeline', async () => {
      const { items, writable } = collector();
      await watchdog(pipeline(Readable.from(['a', 'b', 'c']), toDuplex(new UpperCaseProcessor()), writable));
      expect(items).toEqual(['A', 'B', 'C']);
    });
  });

  describe('demand', () => {
    it('passes written chunks to the processor only against demand', async () => {
      const d = toDuplex(new UpperCaseProcessor(), { readableHighWaterMark: 1, writableHighWaterMark: 1 });
      d.read(0);
      const results: boolean[] = [];
      for (const s of ['a', 'b', 'c', 'd', 'e']) results.push(d.write(s));
      await settle(5);
      expect(results.includes(false)).toBe(true);
      expect(d.readableLength).toBeLessThanOrEqual(2);
      d.destroy();
    });
  });

  describe('errors', () => {
    it('fails the pipeline with the processor error', async () => {
      const processor = new UpperCaseProcessor();
      processor.failOn = 'b';
      const source = Readable.from(['a', 'b', 'c']);
      await expect(watchdog(pipeline(source, toDuplex(processor), collector().writable))).rejects.toThrow('cannot process b');
      expect(source.destroyed).toBe(true);
    });
  });

  describe('cancellation', () => {
    it('cancels the processor when the duplex is destroyed', async () => {
      const processor = new UpperCaseProcessor();
      const d = toDuplex(processor);
      d.read(0);
      await settle();
      d.destroy();
      expect(processor.cancelled).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('rejects a non-processor at assembly time', () => {
      expect(() => toDuplex({} as never)).toThrow(TypeError);
    });
  });
});
