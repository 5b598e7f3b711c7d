import { getEventListeners } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Flow, map, take, UnicastProcessor, type Subscriber, type Subscription } from '@sluice/core';
import {
  fromReadable, fromWebReadable, pipeTo, toDuplex, toReadable, toTransform, toWebReadable, toWebWritable, toWritable,
} from '@sluice/node';
import { listenerCounts, settle, watchdog } from './helpers';
import {
  Consumer, Injected, TEST_TIMEOUT, check, length, pacedSource, pacing, property, seed,
} from '../../core/test/support/faultHarness';

/**
 * Fault injection for every Node / WHATWG bridge: a long transfer is broken at a random point (an error, a destroy,
 * an abort, an early close, a cancel) with random pacing on both sides. Each run must end with exactly one terminal
 * outcome, within a watchdog; leave no listener behind on the Node streams or AbortSignals it touched; and produce no
 * unhandled rejection, uncaught exception or unexpected reported error.
 *
 * fast-check picks the fault plan (kind, position, length, options) and a seed for the pacing; a failure prints
 * the seed and the shrunk plan. SLUICE_PROPERTY_RUNS raises the number of runs per bridge.
 */

const NODE_EVENTS = ['data', 'readable', 'end', 'error', 'close', 'drain', 'finish'];

const abortListeners = (signal: AbortSignal): number => getEventListeners(signal, 'abort').length;

function expectNoListeners(emitter: NodeJS.EventEmitter, what: string): void {
  const counts = listenerCounts(emitter, NODE_EVENTS);
  expect(counts, `listeners left on ${what}`).toEqual(Object.fromEntries(NODE_EVENTS.map((e) => [e, 0])));
}


// ---- into sluice ----------------------------------------------------------------------------------------------------

describe('errors', { timeout: TEST_TIMEOUT }, () => {
  it('fromReadable ends exactly once and detaches whatever breaks the readable mid-transfer', async () => {
    const plan = fc.record({
      seed,
      total: length,
      at: fc.nat(2_000),
      fault: fc.constantFrom('none', 'destroy-error', 'destroy', 'emit-in-read', 'cancel', 'destroy-in-onNext'),
      objectMode: fc.boolean(),
      maxChunkSize: fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }),
      highWaterMark: fc.integer({ min: 1, max: 64 }),
    });
    await property(
      plan,
      async ({ seed, total, at, fault, objectMode, maxChunkSize, highWaterMark }) => {
        const rng = pacing(seed);
        const k = at % (total + 1);
        const injected = new Injected('fromReadable');
        let index = 0;
        const readable = new Readable({
          objectMode,
          highWaterMark,
          read() {
            const step = (): void => {
              if (readable.destroyed) return;
              if (index === k && fault === 'destroy-error') return void readable.destroy(injected);
              if (index === k && fault === 'destroy') return void readable.destroy();
              if (index === k && fault === 'emit-in-read') return void this.destroy(injected);
              if (index === total) return void readable.push(null);
              const i = index++;
              readable.push(objectMode ? i : Buffer.alloc(1 + (i % 50), i & 0xff));
            };
            rng.later(step);
          },
        });
        // The stream's owner handles its errors: a destroy(error) from inside the last onNext can land after the
        // bridge saw 'end' and detached, and Node then emits 'error' to whoever listens.
        const ownerListener = (): void => {};
        if (fault === 'destroy-in-onNext') readable.on('error', ownerListener);
        const consumer = new Consumer<unknown>(rng, fault === 'cancel' ? k + 1 : -1, (count) => {
          if (fault === 'destroy-in-onNext' && count === k + 1) readable.destroy(injected); // reentrant, from inside onNext
        });
        fromReadable(readable, maxChunkSize === undefined ? {} : { maxChunkSize }).subscribe(consumer);
        await consumer.done;
        await settle(2);
        consumer.expectOneOutcome();
        const [terminal] = consumer.terminals;
        if (fault === 'destroy-error' || fault === 'emit-in-read' || fault === 'destroy-in-onNext') expect(terminal === injected || terminal === 'complete').toBe(true);
        if (fault === 'destroy') expect(terminal === 'complete' || (terminal as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE').toBe(true);
        if (fault === 'none') expect(terminal).toBe('complete');
        if (consumer.cancelled) expect(readable.destroyed).toBe(true);
        readable.off('error', ownerListener);
        expectNoListeners(readable, 'the readable');
      },
      'fromReadable transfer',
    );
  });

  it('fromWebReadable ends exactly once and releases the lock whatever breaks the stream mid-transfer', async () => {
    const plan = fc.record({
      seed,
      total: length,
      at: fc.nat(2_000),
      fault: fc.constantFrom('none', 'controller-error', 'pull-throws', 'cancel'),
      highWaterMark: fc.integer({ min: 0, max: 8 }),
    });
    await property(
      plan,
      async ({ seed, total, at, fault, highWaterMark }) => {
        const rng = pacing(seed);
        const k = at % (total + 1);
        const injected = new Injected('fromWebReadable');
        let index = 0;
        let sourceCancels = 0;
        const stream = new ReadableStream<number>(
          {
            async pull(controller) {
              if (rng.chance(0.5)) await new Promise((resolve) => setImmediate(resolve));
              if (index === k && fault === 'controller-error') return controller.error(injected);
              if (index === k && fault === 'pull-throws') throw injected;
              if (index === total) return controller.close();
              controller.enqueue(index++);
            },
            cancel() {
              sourceCancels++;
            },
          },
          { highWaterMark },
        );
        const consumer = new Consumer<number>(rng, fault === 'cancel' ? k + 1 : -1);
        fromWebReadable(stream).subscribe(consumer);
        await consumer.done;
        await settle(2);
        consumer.expectOneOutcome();
        const [terminal] = consumer.terminals;
        if (fault === 'controller-error' || fault === 'pull-throws') expect(terminal === injected || terminal === 'complete').toBe(true);
        if (fault === 'none') expect(terminal).toBe('complete');
        if (consumer.cancelled) expect(sourceCancels).toBe(1);
        expect(stream.locked, 'the reader lock is released').toBe(false);
      },
      'fromWebReadable transfer',
    );
  });

  // ---- out of sluice --------------------------------------------------------------------------------------------------

  it('toReadable ends exactly once and cancels the flow on early close, destroy, abort or flow error', async () => {
    const plan = fc.record({
      seed,
      total: length,
      at: fc.nat(2_000),
      fault: fc.constantFrom('none', 'flow-error', 'break', 'destroy', 'destroy-error', 'abort'),
      highWaterMark: fc.integer({ min: 0, max: 32 }),
      objectMode: fc.boolean(),
    });
    await property(
      plan,
      async ({ seed, total, at, fault, highWaterMark, objectMode }) => {
        const rng = pacing(seed);
        const k = at % (total + 1);
        const injected = new Injected('toReadable');
        const { flow, probe } = pacedSource(rng, total, k, fault === 'flow-error' ? injected : null);
        const controller = new AbortController();
        const readable = toReadable<unknown>(objectMode ? flow : flow.pipe(map((n: number) => Buffer.from([n & 0xff]))), {
          highWaterMark, objectMode, signal: controller.signal,
        });
        const interrupt = ['break', 'destroy', 'destroy-error', 'abort'].includes(fault);
        let items = 0;
        let outcome = null as 'end' | 'break' | Error | null;
        let outcomes = 0;
        let live = false; // the flow was still running when the fault hit
        let fired = false;
        try {
          for await (const chunk of readable) {
            const size = objectMode ? 1 : (chunk as Buffer).length; // byte mode: Node may join one-byte items
            if (interrupt && !fired && items + size > k) {
              fired = true;
              live = !probe.terminated;
              if (fault === 'break') break;
              if (fault === 'destroy') readable.destroy();
              if (fault === 'destroy-error') readable.destroy(injected);
              if (fault === 'abort') controller.abort();
            }
            items += size;
            if (rng.chance(0.3)) await new Promise((resolve) => setImmediate(resolve));
          }
          outcome = fired ? 'break' : 'end';
          outcomes++;
        } catch (error) {
          outcome = error as Error;
          outcomes++;
        }
        await settle(2);
        expect(outcomes).toBe(1);
        if (fault === 'none') expect([outcome, items]).toEqual(['end', total]);
        if (fault === 'flow-error') expect(outcome).toBe(injected);
        if (fault === 'destroy-error' && fired) expect(outcome).toBe(injected);
        if (fault === 'abort' && fired) expect((outcome as Error).name).toBe('AbortError');
        if (live) expect(probe.cancelled, 'the flow is cancelled').toBe(1);
        expect(probe.cancelled).toBeLessThanOrEqual(1);
        expect(readable.destroyed || readable.readableEnded).toBe(true);
        expect(abortListeners(controller.signal)).toBe(0);
      },
      'toReadable transfer',
    );
  });

  it('toWebReadable ends exactly once and cancels the flow on reader cancel, abort or flow error', async () => {
    const plan = fc.record({
      seed,
      total: length,
      at: fc.nat(2_000),
      fault: fc.constantFrom('none', 'flow-error', 'cancel', 'abort'),
      highWaterMark: fc.integer({ min: 0, max: 16 }),
    });
    await property(
      plan,
      async ({ seed, total, at, fault, highWaterMark }) => {
        const rng = pacing(seed);
        const k = at % (total + 1);
        const injected = new Injected('toWebReadable');
        const { flow, probe } = pacedSource(rng, total, k, fault === 'flow-error' ? injected : null);
        const controller = new AbortController();
        const stream = toWebReadable(flow, new CountQueuingStrategy({ highWaterMark }), { signal: controller.signal });
        const reader = stream.getReader();
        let items = 0;
        let outcome = null as 'end' | 'cancel' | Error | null;
        let live = false;
        try {
          for (;;) {
            if (items === k) live = !probe.terminated;
            if (items === k && fault === 'cancel') {
              await reader.cancel();
              outcome = 'cancel';
              break;
            }
            if (items === k && fault === 'abort') controller.abort();
            const result = await reader.read();
            if (result.done) {
              outcome = 'end';
              break;
            }
            expect(result.value).toBe(items);
            items++;
            if (rng.chance(0.3)) await new Promise((resolve) => setImmediate(resolve));
          }
        } catch (error) {
          outcome = error as Error;
        }
        await settle(2);
        if (fault === 'none') expect([outcome, items]).toEqual(['end', total]);
        if (fault === 'flow-error') expect(outcome).toBe(injected);
        if (fault === 'cancel' && live) expect([outcome, probe.cancelled]).toEqual(['cancel', 1]);
        if (fault === 'abort' && live) {
          expect((outcome as Error).name).toBe('AbortError');
          expect(probe.cancelled).toBe(1);
        }
        expect(probe.emitted).toBeLessThanOrEqual(probe.requested);
        expect(abortListeners(controller.signal)).toBe(0);
      },
      'toWebReadable transfer',
    );
  });

  it('toWritable and pipeTo settle exactly once and detach whatever breaks the writable or the flow', async () => {
    const plan = fc.record({
      seed,
      total: length,
      at: fc.nat(2_000),
      fault: fc.constantFrom('none', 'flow-error', 'write-error', 'destroy', 'destroy-error', 'foreign-end', 'abort'),
      highWaterMark: fc.integer({ min: 1, max: 16 }),
      prefetch: fc.integer({ min: 1, max: 16 }),
      viaPipeTo: fc.boolean(),
      end: fc.boolean(),
    });
    await property(
      plan,
      async ({ seed, total, at, fault, highWaterMark, prefetch, viaPipeTo, end }) => {
        const rng = pacing(seed);
        const k = at % (total + 1);
        const injected = new Injected('toWritable');
        const { flow, probe } = pacedSource(rng, total, k, fault === 'flow-error' ? injected : null);
        const controller = new AbortController();
        let written = 0;
        let interrupted = false;
        const writable = new Writable({
          objectMode: true,
          highWaterMark,
          write(_chunk, _encoding, callback) {
            if (written === k && !interrupted && fault !== 'none' && fault !== 'flow-error') {
              interrupted = true;
              if (fault === 'write-error') return void rng.later(() => callback(injected));
              if (fault === 'destroy') rng.later(() => writable.destroy());
              if (fault === 'destroy-error') rng.later(() => writable.destroy(injected));
              if (fault === 'foreign-end') rng.later(() => writable.end());
              if (fault === 'abort') rng.later(() => controller.abort());
            }
            written++;
            rng.later(() => callback());
          },
        });
        writable.on('error', () => {}); // the test's own listener: an 'error' event must not crash the process
        const options = { prefetch, end, signal: controller.signal };
        let finished: Promise<void>;
        if (viaPipeTo) finished = pipeTo(flow, writable, options);
        else {
          const sink = toWritable<number>(writable, options);
          flow.subscribe(sink);
          finished = sink.finished;
        }
        let outcome = null as 'finished' | Error | null;
        await finished.then(
          () => (outcome = 'finished'),
          (error: Error) => (outcome = error),
        );
        await settle(2);
        writable.removeAllListeners('error');
        if (fault === 'none') expect([outcome, written]).toEqual(['finished', total]);
        if (fault === 'flow-error') {
          expect(outcome).toBe(injected);
          expect(writable.destroyed).toBe(true);
        }
        if (interrupted && (outcome !== 'finished' || fault === 'write-error')) {
          // A destroy, end or abort that lands after the last item may find the transfer already finished.
          if (fault === 'write-error' || fault === 'destroy-error') expect(outcome).toBe(injected);
          if (fault === 'abort') expect((outcome as Error).name).toBe('AbortError');
          if (probe.emitted < total) expect(probe.cancelled, 'the flow is cancelled').toBe(1);
        }
        expect(probe.cancelled).toBeLessThanOrEqual(1);
        expectNoListeners(writable, 'the writable');
        expect(abortListeners(controller.signal)).toBe(0);
      },
      'toWritable transfer',
    );
  });

  it('toWebWritable settles exactly once and unlocks whatever breaks the stream or the flow', async () => {
    const plan = fc.record({
      seed,
      total: length,
      at: fc.nat(2_000),
      fault: fc.constantFrom('none', 'flow-error', 'write-rejects', 'controller-error', 'abort'),
      highWaterMark: fc.integer({ min: 1, max: 16 }),
      prefetch: fc.integer({ min: 1, max: 16 }),
      preventClose: fc.boolean(),
    });
    await property(
      plan,
      async ({ seed, total, at, fault, highWaterMark, prefetch, preventClose }) => {
        const rng = pacing(seed);
        const k = at % (total + 1);
        const injected = new Injected('toWebWritable');
        const { flow, probe } = pacedSource(rng, total, k, fault === 'flow-error' ? injected : null);
        const controller = new AbortController();
        let written = 0;
        let aborted: unknown = null;
        let closed = 0;
        let interrupted = false;
        const stream = new WritableStream<number>(
          {
            async write(_chunk, streamController) {
              if (rng.chance(0.5)) await new Promise((resolve) => setImmediate(resolve));
              if (written === k && !interrupted && fault !== 'none' && fault !== 'flow-error') {
                interrupted = true;
                if (fault === 'write-rejects') throw injected;
                if (fault === 'controller-error') streamController.error(injected);
                if (fault === 'abort') controller.abort();
              }
              written++;
            },
            close() {
              closed++;
            },
            abort(reason) {
              aborted = reason;
            },
          },
          new CountQueuingStrategy({ highWaterMark }),
        );
        const sink = toWebWritable<number>(stream, { prefetch, preventClose, signal: controller.signal });
        flow.subscribe(sink);
        let outcome = null as 'finished' | Error | null;
        await sink.finished.then(
          () => (outcome = 'finished'),
          (error: Error) => (outcome = error),
        );
        await settle(2);
        if (fault === 'none') expect([outcome, written, closed]).toEqual(['finished', preventClose ? written : total, preventClose ? 0 : 1]);
        if (fault === 'flow-error') expect([outcome, aborted]).toEqual([injected, injected]);
        if (interrupted && outcome !== 'finished') {
          if (fault === 'abort') expect((outcome as Error).name).toBe('AbortError');
          else expect(outcome).toBe(injected);
          if (probe.emitted < total) expect(probe.cancelled, 'the flow is cancelled').toBe(1);
        }
        expect(probe.cancelled).toBeLessThanOrEqual(1);
        expect(stream.locked, 'the writer lock is released').toBe(false);
        expect(abortListeners(controller.signal)).toBe(0);
      },
      'toWebWritable transfer',
    );
  });

  // ---- both ways ------------------------------------------------------------------------------------------------------

  it('toTransform and toDuplex in a pipeline settle exactly once and destroy the bridge on any failure', async () => {
    const plan = fc.record({
      seed,
      total: length,
      at: fc.nat(2_000),
      fault: fc.constantFrom('none', 'source-error', 'sink-error', 'operator-throws', 'take', 'abort'),
      bridge: fc.constantFrom('toTransform', 'toDuplex'),
      highWaterMark: fc.integer({ min: 1, max: 16 }),
    });
    await property(
      plan,
      async ({ seed, total, at, fault, bridge, highWaterMark }) => {
        const rng = pacing(seed);
        const k = at % (total + 1);
        const injected = new Injected(bridge);
        let index = 0;
        const source = new Readable({
          objectMode: true,
          highWaterMark,
          read() {
            rng.later(() => {
              if (source.destroyed) return;
              if (index === k && fault === 'source-error') return void source.destroy(injected);
              source.push(index === total ? null : index++);
            });
          },
        });
        let received = 0;
        const controller = new AbortController();
        const sink = new Writable({
          objectMode: true,
          highWaterMark,
          write(_chunk, _encoding, callback) {
            if (received === k && fault === 'sink-error') return void rng.later(() => callback(injected));
            if (received === k && fault === 'abort') controller.abort();
            received++;
            rng.later(() => callback());
          },
        });
        const double = map((n: number) => {
          if (n === k && fault === 'operator-throws') throw injected;
          return n * 2;
        });
        let middle;
        if (bridge === 'toTransform') {
          const sides = { readableHighWaterMark: highWaterMark, writableHighWaterMark: highWaterMark };
          middle = fault === 'take' ? toTransform(sides, double, take(k)) : toTransform(sides, double);
        } else {
          const processor = new UnicastProcessor<number>({ capacity: 1 + (highWaterMark % 8) });
          middle = toDuplex(processor, { readableHighWaterMark: highWaterMark, writableHighWaterMark: highWaterMark });
        }
        let outcome = null as 'done' | Error | null;
        await pipeline(source, middle, sink, { signal: controller.signal }).then(
          () => (outcome = 'done'),
          (error: Error) => (outcome = error),
        );
        await settle(2);
        const effective = bridge === 'toDuplex' && (fault === 'operator-throws' || fault === 'take') ? 'none' : fault;
        if (effective === 'none') expect([outcome, received]).toEqual(['done', total]);
        if (effective === 'take') expect([outcome, received]).toEqual(['done', Math.min(k, total)]);
        if (['source-error', 'sink-error', 'operator-throws'].includes(effective) && k < total) expect(outcome).toBe(injected);
        if (effective === 'abort' && k < total) expect((outcome as Error).name).toBe('AbortError');
        if (outcome !== 'done') expect(middle.destroyed).toBe(true);
        // Node's pipeline() keeps its own end-of-stream listeners on the streams it joined; the bridge adds none.
        expect(abortListeners(controller.signal)).toBe(0);
      },
      `${'toTransform/toDuplex'} pipeline`,
    );
  });
});

// ---- regressions found by the runs above ------------------------------------------------------------------------------

describe('regressions found by the runs above', () => {
  it('toTransform finishes its writable side when take(n) cancels on the last chunk after end() (was a hang)', async () => {
    // The last chunk waits for demand after end(); delivering it completes take(1), and Node calls _final from inside
    // that chunk's write callback, before the cancelled input is disposed. The end callback used to be dropped.
    const duplex = toTransform({ readableHighWaterMark: 1 }, take(1));
    duplex.write('a');
    duplex.end();
    await settle(2);
    expect(duplex.read()).toBe('a');
    duplex.resume();
    await check(() => finished(duplex), 'the writable side finishing');
    expect(duplex.writableFinished).toBe(true);
  });

  it('toWritable with end: false rejects when a write fails after the flow completed (was resolved before the write ran)', async () => {
    const injected = new Injected('toWritable end: false');
    const writable = new Writable({
      objectMode: true,
      highWaterMark: 16,
      write(chunk, _encoding, callback) {
        setImmediate(() => callback(chunk === 2 ? injected : null));
      },
    });
    writable.on('error', () => {});
    const sink = toWritable<number>(writable, { end: false });
    pacedSource(pacing(1), 3, -1, null).flow.subscribe(sink);
    await check(() => expect(sink.finished).rejects.toBe(injected), 'toWritable end: false');
  });

  it('toWritable with end: false rejects when the last write fails synchronously (was resolved: no drain was pending)', async () => {
    const injected = new Injected('toWritable end: false, sync');
    const writable = new Writable({
      objectMode: true,
      highWaterMark: 16,
      write(chunk, _encoding, callback) {
        callback(chunk === 2 ? injected : null);
      },
    });
    writable.on('error', () => {});
    const sink = toWritable<number>(writable, { end: false });
    new Flow<number>((subscriber) => {
      let next = 0;
      subscriber.onSubscribe({
        request(n) {
          for (let i = 0; i < n && next < 3; i++) subscriber.onNext(next++);
          if (next === 3) subscriber.onComplete();
        },
        cancel() {},
      });
    }).subscribe(sink);
    await check(() => expect(sink.finished).rejects.toBe(injected), 'toWritable end: false');
  });

  it('fromReadable leaves no uncaught error when read() destroys the readable synchronously (was thrown on the next tick)', async () => {
    // The bridge fails from `readable.errored` at once and detaches; Node emits that 'error' on the next tick.
    const injected = new Injected('fromReadable, synchronous destroy in _read');
    const readable = new Readable({
      objectMode: true,
      read() {
        readable.destroy(injected);
      },
    });
    const consumer = new Consumer<unknown>(pacing(3), -1);
    await check(async () => {
      fromReadable(readable).subscribe(consumer);
      await consumer.done;
    }, 'fromReadable');
    expect(consumer.terminals).toEqual([injected]);
    expectNoListeners(readable, 'the readable');
  });
});

