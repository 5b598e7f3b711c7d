import { describe, expect, it } from 'vitest';
import { bufferCount, pairwise, skip, startWith, takeUntil } from '../../src/index';
import { MarbleTester, runMarbles } from '../../src/testing/index';

// The demand each operator's documentation states, as demand marbles: what downstream requested (`request:`), what
// it received (`toBe`) and what the source was asked (`expectRequests`), frame by frame. One line each says what a
// TestSubscriber log would take a paragraph of indices to say.

describe('operators under demand marbles', () => {
  it('bufferCount(3, 1): the first request(1) asks for 3 items, later ones for 1 each; completion flushes the partial arrays', () => {
    runMarbles((m) => {
      const source = m.cold('abcde|');
      const arrays = { x: ['a', 'b', 'c'], y: ['b', 'c', 'd'], z: ['c', 'd', 'e'], u: ['d', 'e'], v: ['e'] };
      m.expectFlow(source.pipe(bufferCount(3, 1)), { request: '1--1-*' }).toBe('--xy-(zuv|)', arrays);
      m.expectRequests(source).toBe('3--1-*');
    });
  });

  it('skip(2) adds 2 to the first request only, then passes requests through', () => {
    runMarbles((m) => {
      const source = m.cold('abcde|');
      m.expectFlow(source.pipe(skip(2)), { request: '1--*' }).toBe('--cde|');
      m.expectRequests(source).toBe('3--*');
    });
  });

  it('pairwise asks one more with the first request (the first item makes no pair), then exactly what is asked', () => {
    runMarbles((m) => {
      const source = m.cold('abcd|');
      m.expectFlow(source.pipe(pairwise()), { request: '1--1' }).toBe('-x-y', { x: ['a', 'b'], y: ['b', 'c'] });
      m.expectRequests(source).toBe('2--1');
    });
  });

  it('takeUntil passes demand through, asks its notifier for one item, and cancels the source when it comes', () => {
    runMarbles((m) => {
      const source = m.cold('a-b-c-d|');
      const notifier = m.hot('---n');
      m.expectFlow(source.pipe(takeUntil(notifier))).toBe('a-b|');
      m.expectRequests(source).toBe('*--!');
      m.expectRequests(notifier).toBe('1--!');
    });
  });

  it('startWith emits its items against demand and subscribes the source once they are out, asking only the demand left', () => {
    const m = new MarbleTester();
    const source = m.cold('-a|');
    m.expectFlow(source.pipe(startWith('x', 'y')), { request: '1-1-1' }).toBe('x-y-(a|)');
    m.expectRequests(source).toBe('----1'); // subscribed at frame 2 with no demand left over: nothing asked until 4
    m.flush();
    expect(source.subscriptions.map((s) => s.subscribedFrame)).toEqual([2]);
  });
});
