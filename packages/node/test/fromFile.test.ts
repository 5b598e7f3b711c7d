import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, promises, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { Flow, map, range, take, type Subscriber, type Subscription } from '@sluice/core';
import { captureReportedErrors, TestSubscriber } from '@sluice/core/testing';
import { fromFile, toFile } from '@sluice/node';
import { fdsOn, until as untilTurns } from './helpers';

/**
 * Real file I/O completes on libuv's thread pool, which a loaded machine (CI runs test files in parallel) can keep
 * busy for many event-loop turns: a hang here is one that outlasts a million turns, not ten thousand.
 */
const until = (predicate: () => boolean, what: string): Promise<void> => untilTurns(predicate, what, 1_000_000);

const dir = mkdtempSync(join(tmpdir(), 'sluice-file-'));
let proto: FileHandle;

beforeAll(async () => {
  const probe = join(dir, 'probe');
  writeFileSync(probe, '');
  const handle = await open(probe, 'r');
  proto = Object.getPrototypeOf(handle) as FileHandle;
  await handle.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

function file(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Counts FileHandle calls of `method` and the most ever in flight at once. */
function track(method: 'read' | 'write' | 'writev' | 'close'): { calls: number; inFlight: number; maxInFlight: number } {
  const stats = { calls: 0, inFlight: 0, maxInFlight: 0 };
  if (method === 'close') {
    // close is an own property of each FileHandle: wrap it on every handle fs.promises.open returns.
    const open = promises.open.bind(promises);
    vi.spyOn(promises, 'open').mockImplementation(async (...args: Parameters<typeof promises.open>) => {
      const handle = await open(...args);
      const close = handle.close;
      handle.close = () => {
        stats.calls++;
        stats.inFlight++;
        return close().finally(() => stats.inFlight--);
      };
      return handle;
    });
    return stats;
  }
  const original = (proto as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!;
  vi.spyOn(proto as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>, method).mockImplementation(function (
    this: unknown,
    ...args: unknown[]
  ) {
    stats.calls++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    return original.apply(this, args).finally(() => stats.inFlight--);
  });
  return stats;
}

describe('fromFile', () => {
  it('reads the whole file in chunkSize pieces, in order, then completes', async () => {
    const bytes = randomBytes(10_000);
    const path = file('whole', bytes);
    const t = new TestSubscriber<Buffer>('unbounded');
    fromFile(path, { chunkSize: 4096 }).subscribe(t);
    await until(() => t.completed || t.error !== null, 'completion');
    expect(t.error).toBeNull();
    expect(t.values.map((b) => b.length)).toEqual([4096, 4096, 1808]);
    expect(sha(Buffer.concat(t.values))).toBe(sha(bytes));
    expect(t.violations).toEqual([]);
    expect(fdsOn(path)).toBe(0);
  });

  it('reads only against demand: FileHandle.read calls follow request(n), one in flight at most', async () => {
    const path = file('demand', randomBytes(100 * 1024));
    const reads = track('read');
    const t = new TestSubscriber<Buffer>();
    fromFile(path, { chunkSize: 1024 }).subscribe(t);
    await until(() => fdsOn(path) === 1, 'open');
    for (let turn = 0; turn < 20; turn++) await new Promise((r) => setImmediate(r));
    expect(reads.calls).toBe(0); // no demand, no read
    t.request(3);
    await until(() => t.count === 3, 'three chunks');
    for (let turn = 0; turn < 20; turn++) await new Promise((r) => setImmediate(r));
    expect(reads.calls).toBe(3);
    t.request(5);
    await until(() => t.count === 8, 'eight chunks');
    for (let turn = 0; turn < 20; turn++) await new Promise((r) => setImmediate(r));
    expect(reads.calls).toBe(8);
    expect(reads.maxInFlight).toBe(1);
    t.request(Infinity);
    await until(() => t.completed, 'completion');
    expect(t.count).toBe(100);
    expect(reads.calls).toBe(101); // the one extra read finds the end of the file
    expect(t.violations).toEqual([]);
  });

  it('honours start and end (inclusive) and needs no end-of-file read for a known range', async () => {
    const bytes = randomBytes(5000);
    const path = file('range', bytes);
    const reads = track('read');
    const t = new TestSubscriber<Buffer>('unbounded');
    fromFile(path, { chunkSize: 1000, start: 100, end: 2599 }).subscribe(t);
    await until(() => t.completed, 'completion');
    expect(Buffer.concat(t.values).equals(bytes.subarray(100, 2600))).toBe(true);
    expect(t.values.map((b) => b.length)).toEqual([1000, 1000, 500]);
    expect(reads.calls).toBe(3);
  });

  it('hands out a fresh buffer per chunk: chunks kept downstream are never overwritten', async () => {
    const bytes = randomBytes(64 * 1024);
    const path = file('fresh', bytes);
    const t = new TestSubscriber<Buffer>('unbounded');
    fromFile(path, { chunkSize: 512 }).subscribe(t);
    await until(() => t.completed, 'completion');
    // Small chunks may be carved from Node's shared allocUnsafe pool, but no two chunks overlap in memory.
    const regions = t.values.map((b) => ({ buffer: b.buffer, from: b.byteOffset, to: b.byteOffset + b.length }));
    for (let i = 0; i < regions.length; i++) {
      for (let j = i + 1; j < regions.length; j++) {
        const a = regions[i]!;
        const b = regions[j]!;
        expect(a.buffer !== b.buffer || a.to <= b.from || b.to <= a.from).toBe(true);
      }
    }
    expect(Buffer.concat(t.values).equals(bytes)).toBe(true);
  });

  it('is cold: two subscribers each open the file and read the same bytes', async () => {
    const bytes = randomBytes(9000);
    const flow = fromFile(file('cold', bytes), { chunkSize: 2000 });
    const a = new TestSubscriber<Buffer>('unbounded');
    const b = new TestSubscriber<Buffer>(2);
    flow.subscribe(a);
    flow.subscribe(b);
    await until(() => a.completed && b.count === 2, 'both');
    b.request(Infinity);
    await until(() => b.completed, 'the second');
    expect(Buffer.concat(a.values).equals(bytes)).toBe(true);
    expect(Buffer.concat(b.values).equals(bytes)).toBe(true);
  });

  it('ENOENT goes downstream without demand', async () => {
    const t = new TestSubscriber<Buffer>();
    fromFile(join(dir, 'missing')).subscribe(t);
    await until(() => t.error !== null, 'the error');
    expect((t.error as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(t.count).toBe(0);
  });

  it('EISDIR goes downstream and the directory handle is closed', async () => {
    const closes = track('close');
    const t = new TestSubscriber<Buffer>(1);
    fromFile(dir).subscribe(t);
    await until(() => t.error !== null, 'the error');
    expect((t.error as NodeJS.ErrnoException).code).toBe('EISDIR');
    expect(closes.calls).toBe(1);
    expect(fdsOn(dir)).toBe(0);
  });

  it('a read error is delivered after the handle is closed', async () => {
    const path = file('readfail', randomBytes(4096));
    const closes = track('close');
    vi.spyOn(proto, 'read').mockRejectedValue(Object.assign(new Error('EIO: injected'), { code: 'EIO' }));
    const t = new TestSubscriber<Buffer>(1);
    fromFile(path).subscribe(t);
    await until(() => t.error !== null, 'the error');
    expect(t.error!.message).toBe('EIO: injected');
    expect(closes.calls).toBe(1);
    expect(closes.inFlight).toBe(0); // closed before onError
    expect(fdsOn(path)).toBe(0);
  });

  it('cancel closes the file: while idle, while a read is in flight, while opening', async () => {
    const path = file('cancel', randomBytes(64 * 1024));
    const closes = track('close');
    // idle with the file open
    const idle = new TestSubscriber<Buffer>(1);
    fromFile(path, { chunkSize: 100 }).subscribe(idle);
    await until(() => idle.count === 1, 'one chunk');
    expect(fdsOn(path)).toBe(1);
    idle.cancel();
    await until(() => fdsOn(path) === 0, 'the close after an idle cancel');
    // a read in flight: cancelled right after requesting
    const reading = new TestSubscriber<Buffer>(1);
    fromFile(path, { chunkSize: 100 }).subscribe(reading);
    await until(() => reading.count === 1, 'one chunk');
    reading.request(1);
    reading.cancel();
    await until(() => fdsOn(path) === 0, 'the close after the read');
    expect(reading.count).toBe(1); // the chunk that read returned is dropped
    // still opening: cancelled synchronously after subscribe
    const opening = new TestSubscriber<Buffer>(5);
    fromFile(path).subscribe(opening);
    opening.cancel();
    await until(() => closes.calls === 3 && closes.inFlight === 0, 'the close after the open');
    expect(fdsOn(path)).toBe(0);
    expect(opening.count).toBe(0);
  });

  it('an abort closes the file and fails with the reason', async () => {
    const path = file('abort', randomBytes(8192));
    const controller = new AbortController();
    const t = new TestSubscriber<Buffer>(1);
    fromFile(path, { chunkSize: 1024, signal: controller.signal }).subscribe(t);
    await until(() => t.count === 1, 'one chunk');
    controller.abort(new Error('stop'));
    await until(() => t.error !== null, 'the abort');
    expect(t.error!.message).toBe('stop');
    expect(fdsOn(path)).toBe(0);
    const late = new TestSubscriber<Buffer>(1);
    fromFile(path, { signal: controller.signal }).subscribe(late);
    expect(late.error?.message).toBe('stop'); // already aborted: fails at subscribe, nothing opened
  });

  it('validates its options eagerly', () => {
    expect(() => fromFile('x', { chunkSize: 0 })).toThrow(RangeError);
    expect(() => fromFile('x', { start: 5, end: 4 })).toThrow(RangeError);
    expect(() => fromFile(42 as unknown as string)).toThrow(TypeError);
  });
});

/** A hand-driven upstream: counts what the sink requested, and what cancel it got. */
class Upstream implements Subscription {
  requested = 0;
  cancelled = false;
  request(n: number): void {
    this.requested += n;
  }
  cancel(): void {
    this.cancelled = true;
  }
}

describe('toFile', () => {
  it('writes a flow of chunks and strings in order, closes, then resolves', async () => {
    const path = join(dir, 'out-basic');
    const chunks = Array.from({ length: 200 }, (_, i) => (i % 2 ? randomBytes(1000 + i) : `line ${i}\n`));
    const expected = Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
    const closes = track('close');
    const sink = toFile(path, { highWaterMark: 4 });
    Flow.from(chunks).subscribe(sink);
    await sink.finished;
    expect(sha(readFileSync(path))).toBe(sha(expected));
    expect(closes.calls).toBe(1);
    expect(fdsOn(path)).toBe(0);
  });

  it('copies a file through fromFile → map → toFile', async () => {
    const bytes = randomBytes(300_000);
    const src = file('copy-src', bytes);
    const dst = join(dir, 'copy-dst');
    const sink = toFile(dst);
    fromFile(src, { chunkSize: 16_384 }).pipe(map((b: Buffer) => b)).subscribe(sink);
    await sink.finished;
    expect(readFileSync(dst).equals(bytes)).toBe(true);
  });

  it('one write in flight, demand only as writes complete, never more than highWaterMark outstanding', async () => {
    const path = join(dir, 'out-bound');
    const writes = track('write');
    const writevs = track('writev');
    const sink = toFile(path, { highWaterMark: 3 });
    const up = new Upstream();
    sink.onSubscribe(up);
    await until(() => up.requested === 3, 'the first request');
    sink.onNext(Buffer.from('a'));
    sink.onNext(Buffer.from('b'));
    sink.onNext(Buffer.from('c'));
    expect(up.requested).toBe(3); // nothing more until a write completes
    await until(() => up.requested === 6, 'demand after the writes');
    expect(writes.calls + writevs.calls).toBe(2); // [a], then [b c] in one writev
    expect(Math.max(writes.maxInFlight, writevs.maxInFlight)).toBe(1);
    sink.onNext(Buffer.from('d'));
    sink.onComplete();
    await sink.finished;
    expect(readFileSync(path, 'utf8')).toBe('abcd');
    expect(writes.inFlight + writevs.inFlight).toBe(0);
  });

  it('an upstream that sends more than requested fails the sink (§1.1)', async () => {
    const path = join(dir, 'out-overflow');
    const sink = toFile(path, { highWaterMark: 1 });
    const up = new Upstream();
    sink.onSubscribe(up);
    await until(() => up.requested === 1, 'the request');
    sink.onNext(Buffer.from('a'));
    sink.onNext(Buffer.from('b'));
    await expect(sink.finished).rejects.toThrow(/^§1\.1:/);
    expect(up.cancelled).toBe(true);
    expect(fdsOn(path)).toBe(0);
  });

  it('flags: a appends, wx fails on an existing file', async () => {
    const path = file('out-append', Buffer.from('head:'));
    const sink = toFile(path, { flags: 'a' });
    Flow.from(['x', 'y']).subscribe(sink);
    await sink.finished;
    expect(readFileSync(path, 'utf8')).toBe('head:xy');
    const up = new Upstream();
    const exclusive = toFile(path, { flags: 'wx' });
    exclusive.onSubscribe(up);
    await expect(exclusive.finished).rejects.toMatchObject({ code: 'EEXIST' });
    expect(up.cancelled).toBe(true);
    expect(up.requested).toBe(0);
  });

  it('an open error (EISDIR, ENOENT) cancels upstream and rejects', async () => {
    for (const [path, code] of [[dir, 'EISDIR'], [join(dir, 'no', 'such'), 'ENOENT']] as const) {
      const up = new Upstream();
      const sink = toFile(path);
      sink.onSubscribe(up);
      await expect(sink.finished).rejects.toMatchObject({ code });
      expect(up.cancelled).toBe(true);
    }
  });

  it('drops (onErrorDropped), not reports, a flow error that arrives after an open error cancelled the flow (ADR 0012)', async () => {
    const reported = captureReportedErrors();
    try {
      const up = new Upstream();
      const sink = toFile(join(dir, 'no', 'such'));
      sink.onSubscribe(up);
      await expect(sink.finished).rejects.toMatchObject({ code: 'ENOENT' });
      expect(up.cancelled).toBe(true);
      sink.onError(new Error('late'));
      expect(reported.dropped).toEqual([new Error('late')]);
      expect(reported.errors).toEqual([]);
    } finally {
      reported.restore();
    }
  });

  it('reports an error signalled after the flow completed (§1.7)', async () => {
    const reported = captureReportedErrors();
    try {
      const up = new Upstream();
      const sink = toFile(join(dir, 'out-late'));
      sink.onSubscribe(up);
      sink.onComplete();
      await sink.finished;
      sink.onError(new Error('late'));
      expect(reported.errors).toEqual([new Error('late')]);
      expect(reported.dropped).toEqual([]);
    } finally {
      reported.restore();
    }
  });

  it('a write error cancels upstream, closes the file, rejects', async () => {
    const path = join(dir, 'out-writefail');
    const closes = track('close');
    vi.spyOn(proto, 'write').mockRejectedValue(Object.assign(new Error('ENOSPC: injected'), { code: 'ENOSPC' }));
    const cancelled: boolean[] = [];
    const sink = toFile(path);
    range(0, 1_000_000).pipe(map((i) => `${i}\n`)).subscribe({
      onSubscribe(s: Subscription) {
        sink.onSubscribe({ request: (n) => s.request(n), cancel: () => (cancelled.push(true), s.cancel()) });
      },
      onNext: (v: string) => sink.onNext(v),
      onError: (e: Error) => sink.onError(e),
      onComplete: () => sink.onComplete(),
    } satisfies Subscriber<string>);
    await expect(sink.finished).rejects.toThrow('ENOSPC: injected');
    expect(cancelled).toEqual([true]);
    expect(closes.calls).toBe(1);
    expect(fdsOn(path)).toBe(0);
  });

  it('a flow error waits for the write in flight, closes the file, rejects with the flow error', async () => {
    const path = join(dir, 'out-flowfail');
    const sink = toFile(path);
    const up = new Upstream();
    sink.onSubscribe(up);
    await until(() => up.requested > 0, 'the request');
    sink.onNext(Buffer.from('written'));
    sink.onError(new Error('upstream failed'));
    await expect(sink.finished).rejects.toThrow('upstream failed');
    expect(up.cancelled).toBe(false); // §2.4 the failing upstream is not cancelled
    expect(readFileSync(path, 'utf8')).toBe('written');
    expect(fdsOn(path)).toBe(0);
  });

  it('a non-byte item cancels with a TypeError; a second onSubscribe is cancelled (§2.5); a late error after that cancel is dropped (ADR 0012)', async () => {
    const path = join(dir, 'out-type');
    const reported = captureReportedErrors();
    try {
      const sink = toFile(path);
      const up = new Upstream();
      sink.onSubscribe(up);
      const second = new Upstream();
      sink.onSubscribe(second);
      expect(second.cancelled).toBe(true);
      await until(() => up.requested > 0, 'the request');
      sink.onNext(42 as unknown as string);
      await expect(sink.finished).rejects.toThrow(TypeError);
      expect(up.cancelled).toBe(true);
      sink.onError(new Error('late'));
      expect(reported.dropped.map((e) => (e as Error).message)).toEqual(['late']);
      expect(reported.errors).toEqual([]);
      expect(fdsOn(path)).toBe(0);
    } finally {
      reported.restore();
    }
  });
});

describe('fromFile → toFile under injected faults (property)', () => {
  const fault = fc.oneof(
    fc.constant({ kind: 'none' as const, at: 0 }),
    fc.record({ kind: fc.constant('take' as const), at: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ kind: fc.constant('readError' as const), at: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ kind: fc.constant('writeError' as const), at: fc.integer({ min: 1, max: 40 }) }),
  );

  it('settles with the expected outcome and bytes, reports nothing, and closes both files', async () => {
    let run = 0;
    const reported = captureReportedErrors();
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 40_000 }),
          fc.integer({ min: 1, max: 8192 }),
          fc.integer({ min: 1, max: 8 }),
          fault,
          async (size, chunkSize, highWaterMark, f) => {
            vi.restoreAllMocks();
            const bytes = randomBytes(size);
            const src = file(`prop-src-${run}`, bytes);
            const dst = join(dir, `prop-dst-${run++}`);
            const injected = new Error(`injected ${f.kind}`);
            const inject = (method: 'read' | 'write' | 'writev', counter: { n: number }): void => {
              const original = (proto as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!;
              vi.spyOn(proto as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>, method).mockImplementation(
                function (this: unknown, ...args: unknown[]) {
                  return ++counter.n === f.at ? Promise.reject(injected) : original.apply(this, args);
                },
              );
            };
            if (f.kind === 'readError') inject('read', { n: 0 });
            if (f.kind === 'writeError') {
              const counter = { n: 0 };
              inject('write', counter);
              inject('writev', counter);
            }
            const sink = toFile(dst, { highWaterMark });
            const flow = fromFile(src, { chunkSize });
            (f.kind === 'take' ? flow.pipe(take(f.at)) : flow).subscribe(sink);
            const settled = await sink.finished.then(
              () => null,
              (error: unknown) => error,
            );
            const chunks = Math.ceil(size / chunkSize);
            const reads = chunks + 1; // the last read finds the end of the file
            if (f.kind === 'none' || (f.kind === 'take' && f.at >= chunks) || (f.kind === 'readError' && f.at > reads)) {
              expect(settled).toBeNull();
              expect(readFileSync(dst).equals(bytes)).toBe(true);
            } else if (f.kind === 'take') {
              expect(settled).toBeNull();
              expect(readFileSync(dst).equals(bytes.subarray(0, f.at * chunkSize))).toBe(true);
            } else if (f.kind === 'readError') {
              expect(settled).toBe(injected);
            } else {
              // a write error: injected if that many writes happened (writev batches make the count vary)
              if (settled !== null) expect(settled).toBe(injected);
              else expect(readFileSync(dst).equals(bytes)).toBe(true);
            }
            await until(() => fdsOn(src) === 0 && fdsOn(dst) === 0, 'both files closed');
          },
        ),
        { numRuns: 40 },
      );
      expect(reported.errors).toEqual([]);
      expect(reported.dropped).toEqual([]);
    } finally {
      reported.restore();
    }
  });
});
