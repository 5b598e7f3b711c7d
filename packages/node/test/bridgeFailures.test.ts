import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { finalize, firstValue, range, type FinalSignal } from '@sluice/core';
import { captureReportedErrors } from '@sluice/core/testing';
import { fromReadable, pipeTo, toWritable } from '@sluice/node';
import { settle, watchdog } from './helpers';

// Issue 13 items 1 and 5: a write() that throws, and errors emitted while a bridge destroys a stream.
describe('bridge failures', () => {
  describe('a write() that throws (item 1)', () => {
    it('pipeTo into a byte-mode fs stream fails the flow, cancels upstream, destroys the stream and rejects', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sluice-h13-'));
      const captured = captureReportedErrors();
      try {
        const writable = createWriteStream(join(dir, 'out.bin'));
        const signals: FinalSignal[] = [];
        const flow = range(0, 100).pipe(finalize((s) => signals.push(s)));
        const error = await watchdog(pipeTo(flow as never, writable), 5_000, 'pipeTo').then(
          () => null,
          (e: unknown) => e,
        );
        expect((error as NodeJS.ErrnoException).code).toBe('ERR_INVALID_ARG_TYPE');
        expect(signals).toEqual(['cancel']);
        await settle();
        expect(writable.destroyed).toBe(true);
        expect(writable.errored).toBe(error);
        expect(captured.errors).toEqual([]);
      } finally {
        captured.restore();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('a custom Writable whose write() throws: the same, with the thrown value as the error', async () => {
      const captured = captureReportedErrors();
      try {
        const boom = new Error('write threw');
        const writable = new Writable({ objectMode: true, write: (_c, _e, cb) => cb() });
        writable.write = () => {
          throw boom;
        };
        const signals: FinalSignal[] = [];
        const sink = toWritable<number>(writable);
        range(0, 10).pipe(finalize((s) => signals.push(s))).subscribe(sink);
        await expect(watchdog(sink.finished, 5_000, 'finished')).rejects.toBe(boom);
        expect(signals).toEqual(['cancel']);
        expect(sink.inspect()).toMatchObject({ terminated: true, cancelled: true });
        await settle();
        expect(writable.destroyed).toBe(true);
        expect(captured.errors).toEqual([]);
      } finally {
        captured.restore();
      }
    });
  });

  describe("errors emitted while destroying (item 5)", () => {
    /** A Readable whose destroy fails asynchronously, like a socket reset while closing. */
    function failingOnDestroy(failure: Error): Readable {
      return new Readable({
        objectMode: true,
        read() {
          this.push('a');
        },
        destroy(_error, callback) {
          setImmediate(() => callback(failure));
        },
      });
    }

    it('fromReadable keeps an error listener until close when cancel destroys the readable', async () => {
      const captured = captureReportedErrors();
      try {
        const failure = new Error('destroy failed');
        const readable = failingOnDestroy(failure);
        expect(await firstValue(fromReadable<string>(readable))).toBe('a');
        await settle();
        expect(readable.destroyed).toBe(true);
        expect(captured.dropped).toEqual([failure]);
        expect(captured.errors).toEqual([]);
        expect(readable.listenerCount('error')).toBe(0);
      } finally {
        captured.restore();
      }
    });

    it('toWritable keeps an error listener until close when a flow error destroys the writable', async () => {
      const captured = captureReportedErrors();
      try {
        const failure = new Error('destroy failed');
        const writable = new Writable({
          objectMode: true,
          write: (_c, _e, cb) => cb(),
          destroy: (_error, callback) => setImmediate(() => callback(failure)),
        });
        const sink = toWritable<number>(writable);
        const flowError = new Error('flow failed');
        sink.onSubscribe({ request: () => {}, cancel: () => {} });
        sink.onError(flowError);
        await expect(watchdog(sink.finished, 5_000, 'finished')).rejects.toBe(flowError);
        await settle();
        expect(writable.destroyed).toBe(true);
        expect(captured.dropped).toEqual([failure]);
        expect(captured.errors).toEqual([]);
      } finally {
        captured.restore();
      }
    });
  });
});

// Issue 13 item 11: toWritable uses core's exact replenishAt, not its own 32-bit copy.
describe('toWritable replenish threshold', () => {
  it('is within the prefetch for a prefetch of 2^31', () => {
    const sink = toWritable<number>(new Writable({ write: (_c, _e, cb) => cb() }), { prefetch: 2 ** 31 });
    expect((sink as unknown as { limit: number }).limit).toBe(2 ** 31 - 2 ** 29);
  });
});

// Issue 13 item 6: with destroyOnCancel: false, a later reader of the same stream misses nothing.
describe('fromReadable({ maxChunkSize, destroyOnCancel: false }) on cancel', () => {
  it('puts the unread rest of a split byte chunk back, so a later reader sees every byte in order', async () => {
    const readable = Readable.from([Buffer.from('abcdefghij')], { objectMode: false });
    const first = await firstValue(fromReadable<Buffer>(readable, { maxChunkSize: 3, destroyOnCancel: false }));
    expect(first.toString()).toBe('abc');
    expect(readable.destroyed).toBe(false);
    const rest: Buffer[] = [];
    for await (const chunk of readable) rest.push(chunk as Buffer);
    expect(Buffer.concat(rest).toString()).toBe('defghij');
  });

  it('does the same for the strings of an encoded readable', async () => {
    const readable = new PassThrough();
    readable.setEncoding('utf8');
    readable.end('hello world');
    const first = await firstValue(fromReadable<string>(readable, { maxChunkSize: 4, destroyOnCancel: false }));
    expect(first).toBe('hell');
    let rest = '';
    for await (const chunk of readable) rest += chunk as string;
    expect(rest).toBe('o world');
  });
});
