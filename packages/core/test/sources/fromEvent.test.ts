import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { fromEvent } from '../../src/sources/fromEvent';
import { take } from '../../src/operators/take';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { TestSubscriber } from '../../src/testing/TestSubscriber';

describe('fromEvent', () => {
  describe('EventEmitter', () => {
    it('delivers events against demand, buffers up to capacity and applies the overflow choice', () => {
      const emitter = new EventEmitter();
      const drops: string[] = [];
      const s = new TestSubscriber<number>(0);
      fromEvent<number>(emitter, 'tick', { capacity: 2, overflow: 'drop-oldest', onDrop: (x, why) => drops.push(`${x}:${why}`) }).subscribe(s);
      for (let i = 1; i <= 5; i++) emitter.emit('tick', i);
      expect(drops).toEqual(['1:overflow', '2:overflow', '3:overflow']);
      s.request(3);
      expect(s.values).toEqual([4, 5]);
      emitter.emit('tick', 6);
      expect(s.values).toEqual([4, 5, 6]);
    });

    it('removes its listener on cancel and adds one per subscriber', () => {
      const emitter = new EventEmitter();
      const a = new TestSubscriber<number>('unbounded');
      const b = new TestSubscriber<number>('unbounded');
      const flow = fromEvent<number>(emitter, 'tick', { overflow: 'error' });
      flow.subscribe(a);
      flow.subscribe(b);
      expect(emitter.listenerCount('tick')).toBe(2);
      emitter.emit('tick', 1);
      a.cancel();
      expect(emitter.listenerCount('tick')).toBe(1);
      emitter.emit('tick', 2);
      expect([a.values, b.values]).toEqual([[1], [1, 2]]);
      b.cancel();
      expect(emitter.listenerCount('tick')).toBe(0);
    });

    it('removes its listener when take ends the stream', () => {
      const emitter = new EventEmitter();
      const s = new TestSubscriber<number>('unbounded');
      fromEvent<number>(emitter, 'tick', { overflow: 'drop-newest' }).pipe(take(2)).subscribe(s);
      emitter.emit('tick', 1);
      emitter.emit('tick', 2);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(1)', 'next(2)', 'complete']);
      expect(emitter.listenerCount('tick')).toBe(0);
    });

    it("fails with OverflowError under 'error' and removes the listener", () => {
      const emitter = new EventEmitter();
      const s = new TestSubscriber<number>(0);
      fromEvent<number>(emitter, 'tick', { capacity: 1, overflow: 'error' }).subscribe(s);
      emitter.emit('tick', 1);
      emitter.emit('tick', 2);
      expect(emitter.listenerCount('tick')).toBe(0);
      s.request(5);
      expect(s.values).toEqual([1]);
      expect(s.error?.name).toBe('OverflowError');
    });

    it('gives several arguments as an array, and maps them with select', () => {
      const emitter = new EventEmitter();
      const raw = new TestSubscriber<unknown>('unbounded');
      const mapped = new TestSubscriber<string>('unbounded');
      fromEvent<unknown>(emitter, 'pair', { overflow: 'error' }).subscribe(raw);
      fromEvent<string>(emitter, 'pair', { overflow: 'error', select: (a: string, b: string) => a + b }).subscribe(mapped);
      emitter.emit('pair', 'x', 'y');
      expect(raw.values).toEqual([['x', 'y']]);
      expect(mapped.values).toEqual(['xy']);
    });

    it('fails with a §2.13 TypeError for an event without arguments unless select gives an item', () => {
      const emitter = new EventEmitter();
      const s = new TestSubscriber<unknown>('unbounded');
      fromEvent<unknown>(emitter, 'close', { overflow: 'error' }).subscribe(s);
      emitter.emit('close');
      expect(s.error).toBeInstanceOf(TypeError);
      expect(s.error?.message).toMatch(/^§2\.13/);
      expect(emitter.listenerCount('close')).toBe(0);
    });

    it('fails with the error of a throwing select and removes the listener', () => {
      const emitter = new EventEmitter();
      const s = new TestSubscriber<number>('unbounded');
      fromEvent<number>(emitter, 'tick', { overflow: 'error', select: () => { throw new Error('bad event'); } }).subscribe(s);
      emitter.emit('tick', 1);
      expect(s.error?.message).toBe('bad event');
      expect(emitter.listenerCount('tick')).toBe(0);
    });
  });

  describe('EventTarget', () => {
    it("keeps only the newest event under 'latest' and removes the listener on cancel", () => {
      const target = new EventTarget();
      const s = new TestSubscriber<string>(0);
      let added = 0;
      let removed = 0;
      const counting = {
        addEventListener: (n: string, l: (e: never) => void) => { added++; target.addEventListener(n, l as EventListener); },
        removeEventListener: (n: string, l: (e: never) => void) => { removed++; target.removeEventListener(n, l as EventListener); },
      };
      fromEvent<string>(counting, 'ping', { overflow: 'latest', select: (e: CustomEvent<string>) => e.detail }).subscribe(s);
      for (const d of ['a', 'b', 'c']) target.dispatchEvent(new CustomEvent('ping', { detail: d }));
      s.request(1);
      expect(s.values).toEqual(['c']);
      s.cancel();
      expect([added, removed]).toEqual([1, 1]);
      target.dispatchEvent(new CustomEvent('ping', { detail: 'd' }));
      expect(s.values).toEqual(['c']);
    });

    it('drops events that waited maxAge, on the virtual clock', () => {
      const target = new EventTarget();
      const scheduler = new VirtualTimeScheduler();
      const drops: string[] = [];
      const s = new TestSubscriber<Event>(0);
      fromEvent<Event>(target, 'ping', { overflow: 'drop-newest', maxAge: 50, scheduler, onDrop: (e, why) => drops.push(`${e.type}:${why}`) }).subscribe(s);
      target.dispatchEvent(new Event('ping'));
      scheduler.advanceBy(50);
      expect(drops).toEqual(['ping:expired']);
      s.request(1);
      expect(s.values).toEqual([]);
    });
  });

  describe('options', () => {
    it('requires an overflow choice, refuses block, and refuses targets that are neither kind', () => {
      const emitter = new EventEmitter();
      expect(() => fromEvent(emitter, 'x', {} as never)).toThrow(/overflow is required/);
      expect(() => fromEvent(emitter, 'x', { overflow: 'block' as never })).toThrow(TypeError);
      expect(() => fromEvent({} as never, 'x', { overflow: 'error' })).toThrow(/EventTarget .* or an EventEmitter/);
      expect(() => fromEvent(emitter, '', { overflow: 'error' })).toThrow(TypeError);
      expect(() => fromEvent(emitter, 'x', { overflow: 'latest', capacity: 4 })).toThrow(/capacity must be 1/);
    });
  });
});
