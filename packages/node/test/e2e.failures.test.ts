import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flowOf, map, range, type Operator, type Publisher } from '@sluice/core';
import { captureReportedErrors } from '@sluice/core/testing';
import { fromReadable, fromWebReadable, pipeTo, toReadable, toWebReadable, toWebWritable } from '@sluice/node';
import { listenerCounts, settle, until, watchdog } from './helpers';

/**
 * The failure matrix: every way a transfer can break, from either end. Each case asserts that exactly one error
 * surfaces (one rejection, nothing reported as undeliverable, no stray 'error' event), that nothing hangs (watchdog),
 * that the upstream is cancelled (the source destroyed / the flow cancelled) and that no listener is left behind.
 */

interface Probe {
  cancelled: number;
}

function watchCancel<T>(probe: Probe): Operator<T, T> {
  return (source: Publisher<T>) =>
    flowOf<T>((subscriber) =>
      source.subscribe({
        onSubscribe: (s) =>
          subscriber.onSubscribe({
            request: (n) => s.request(n),
            cancel: () => {
              probe.cancelled++;
              s.cancel();
            },
          }),
        onNext: (v) => subscriber.onNext(v),
        onError: (e) => subscriber.onError(e),
        onComplete: () => subscriber.onComplete(),
      }),
    );
}

/** An endless object-mode source that produces on demand. */
function endlessSource(): Readable & { produced: number } {
  const source = new Readable({
    objectMode: true,
    highWaterMark: 4,
    read() {
      setImmediate(() => source.push(source.produced++));
    },
  }) as Readable & { produced: number };
  source.produced = 0;
  return source;
}

/** A writable that accepts items one macrotask later and counts the 'error' events it emits. */
function countingSink(): Writable & { received: number; errorEvents: number } {
  const sink = new Writable({
    objectMode: true,
    highWaterMark: 4,
    write(_chunk, _e, cb) {
      sink.received++;
      setImmediate(cb);
    },
  }) as Writable & { received: number; errorEvents: number };
  sink.received = 0;
  sink.errorEvents = 0;
  return sink;
}

let reported: ReturnType<typeof captureReportedErrors>;
beforeEach(() => {
  reported = captureReportedErrors();
});
afterEach(() => {
  reported.restore();
});

const noListeners = { readable: 0, data: 0, end: 0, error: 0, close: 0, drain: 0, finish: 0 };

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  let rejections = 0;
  let error: unknown = null;
  await watchdog(
    promise.then(
      () => {
        throw new Error('expected the transfer to fail, but it completed');
      },
      (e) => {
        rejections++;
        error = e;
      },
    ),
  );
  await settle(10);
  expect(rejections).toBe(1);
  return error as Error;
}

describe('failure matrix: fromReadable → map → pipeTo(writable)', () => {
  async function start() {
    const source = endlessSource();
    const sink = countingSink();
    const probe: Probe = { cancelled: 0 };
    const controller = new AbortController();
    const done = pipeTo(fromReadable<number>(source).pipe(map((n: number) => n), watchCancel(probe)), sink, {
      signal: controller.signal,
    });
    await until(() => sink.received >= 5, 'a few items');
    return { source, sink, probe, controller, done };
  }

  function expectClean(source: Readable, sink: Writable & { errorEvents: number }) {
    expect(listenerCounts(source)).toEqual(noListeners);
    expect(listenerCounts(sink)).toEqual(noListeners);
    expect(reported.errors).toEqual([]);
  }

  it('source error mid-stream: rejects once with it and destroys the sink', async () => {
    const { source, sink, probe, done } = await start();
    source.destroy(new Error('source failed'));
    const error = await rejectionOf(done);
    expect(error.message).toBe('source failed');
    expect(sink.destroyed).toBe(true);
    expect(probe.cancelled).toBe(0); // an error travels down, nothing to cancel
    expectClean(source, sink);
  });

  it('sink error: rejects once with it and cancels upstream (the source is destroyed)', async () => {
    const { source, sink, probe, done } = await start();
    sink.destroy(new Error('sink failed'));
    const error = await rejectionOf(done);
    expect(error.message).toBe('sink failed');
    expect(probe.cancelled).toBe(1);
    expect(source.destroyed).toBe(true);
    expectClean(source, sink);
  });

  it('source destroyed without an error: rejects once with a premature-close error', async () => {
    const { source, sink, done } = await start();
    source.destroy();
    const error = await rejectionOf(done);
    expect(error.message).toMatch(/fromReadable: premature close/);
    expect(sink.destroyed).toBe(true);
    expectClean(source, sink);
  });

  it('sink destroyed without an error: rejects once with a premature-close error and cancels upstream', async () => {
    const { source, sink, probe, done } = await start();
    sink.destroy();
    const error = await rejectionOf(done);
    expect(error.message).toMatch(/toWritable: premature close/);
    expect(probe.cancelled).toBe(1);
    expect(source.destroyed).toBe(true);
    expectClean(source, sink);
  });

  it('early close (the sink is ended by someone else): rejects once and cancels upstream', async () => {
    const { source, sink, probe, done } = await start();
    sink.end();
    const error = await rejectionOf(done);
    expect(error.message).toMatch(/ended by someone else/);
    expect(probe.cancelled).toBe(1);
    expect(source.destroyed).toBe(true);
    expectClean(source, sink);
  });

  it('abort: rejects once with the reason, cancels upstream and destroys the sink', async () => {
    const { source, sink, probe, controller, done } = await start();
    controller.abort();
    const error = await rejectionOf(done);
    expect(error.name).toBe('AbortError');
    expect(probe.cancelled).toBe(1);
    expect(source.destroyed).toBe(true);
    expect(sink.destroyed).toBe(true);
    expectClean(source, sink);
  });

  it('production stops after any failure (nothing is read from a destroyed source)', async () => {
    const { source, sink, done } = await start();
    sink.destroy(new Error('stop'));
    await rejectionOf(done);
    const produced = source.produced;
    await settle(20);
    expect(source.produced).toBeLessThanOrEqual(produced + 1);
  });
});

describe('failure matrix: toReadable inside stream.pipeline', () => {
  it('sink error: the pipeline rejects once and the flow is cancelled', async () => {
    const probe: Probe = { cancelled: 0 };
    const sink = new Writable({ objectMode: true, write: (_c, _e, cb) => cb(new Error('sink failed')) });
    const error = await rejectionOf(pipeline(toReadable(range(0, 1e9).pipe(watchCancel(probe))), sink));
    expect(error.message).toBe('sink failed');
    expect(probe.cancelled).toBe(1);
    expect(reported.errors).toEqual([]);
  });

  it('flow error: the pipeline rejects once with it and the sink is destroyed', async () => {
    const sink = countingSink();
    const failing = range(0, 10).pipe(
      map((n: number) => {
        if (n === 5) throw new Error('flow failed');
        return n;
      }),
    );
    const error = await rejectionOf(pipeline(toReadable(failing), sink));
    expect(error.message).toBe('flow failed');
    expect(sink.destroyed).toBe(true);
    expect(reported.errors).toEqual([]);
  });

  it('abort: the pipeline rejects once with an AbortError and the flow is cancelled', async () => {
    const probe: Probe = { cancelled: 0 };
    const controller = new AbortController();
    const done = pipeline(toReadable(range(0, 1e9).pipe(watchCancel(probe))), countingSink(), { signal: controller.signal });
    await settle(3);
    controller.abort();
    const error = await rejectionOf(done);
    expect(error.name).toBe('AbortError');
    expect(probe.cancelled).toBe(1);
  });
});

describe('failure matrix: WHATWG streams', () => {
  it('a failing WritableStream cancels the flow behind toWebReadable.pipeTo', async () => {
    const probe: Probe = { cancelled: 0 };
    const stream = toWebReadable(range(0, 1e9).pipe(watchCancel(probe)));
    const sink = new WritableStream<number>({
      write(n) {
        if (n === 3) throw new Error('web sink failed');
      },
    });
    const error = await rejectionOf(stream.pipeTo(sink));
    expect(error.message).toBe('web sink failed');
    expect(probe.cancelled).toBe(1);
  });

  it('an erroring ReadableStream fails toWebWritable once and aborts the destination', async () => {
    let aborted: unknown = null;
    let pulls = 0;
    const source = new ReadableStream<number>({
      pull(controller) {
        if (++pulls === 4) controller.error(new Error('web source failed'));
        else controller.enqueue(pulls);
      },
    });
    const sink = toWebWritable<number>(new WritableStream({ abort: (reason) => void (aborted = reason) }));
    fromWebReadable(source).subscribe(sink);
    const error = await rejectionOf(sink.finished);
    expect(error.message).toBe('web source failed');
    await settle();
    expect((aborted as Error).message).toBe('web source failed');
  });

  it('abort on toWebWritable cancels the web source', async () => {
    let cancelled = false;
    const source = new ReadableStream<number>({
      pull: (controller) => controller.enqueue(1),
      cancel: () => void (cancelled = true),
    });
    const controller = new AbortController();
    const slow = new WritableStream<number>({ write: () => new Promise<void>((resolve) => setImmediate(resolve)) });
    const sink = toWebWritable<number>(slow, { signal: controller.signal });
    fromWebReadable(source).subscribe(sink);
    await settle(3);
    controller.abort();
    const error = await rejectionOf(sink.finished);
    expect(error.name).toBe('AbortError');
    await settle();
    expect(cancelled).toBe(true);
  });
});
