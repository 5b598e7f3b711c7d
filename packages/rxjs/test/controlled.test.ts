import type { StageSnapshot, Subscription } from '@sluice/core';
import { TestSubscriber } from '@sluice/core/testing';
import { range, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { sourceContract } from '../../core/test/contract/sourceContract';
import { controlled } from '../src/controlled';

const inspect = (s: TestSubscriber<any>): StageSnapshot => (s.subscription as Subscription & { inspect(): StageSnapshot }).inspect();

describe('controlled', () => {
  sourceContract('controlled', (n) => controlled(range(0, n)));

  describe('behaviour', () => {
    it('lets items out only through request(n)', () => {
      const feed = new Subject<number>();
      const s = new TestSubscriber<number>();
      controlled(feed, { capacity: 3 }).subscribe(s);
      feed.next(1);
      feed.next(2);
      expect(s.log).toEqual(['subscribe']);
      s.request(1);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(1)']);
    });
  });

  describe('demand', () => {
    it("keeps the newest capacity items by default ('drop-oldest') and counts the dropped ones", () => {
      const feed = new Subject<number>();
      const s = new TestSubscriber<number>();
      controlled(feed, { capacity: 3 }).subscribe(s);
      for (let i = 1; i <= 6; i++) feed.next(i);
      expect(inspect(s)).toMatchObject({ stage: 'controlled', buffered: 3, dropped: 3, received: 6 });
      s.request(2);
      expect(s.values).toEqual([4, 5]);
      expect(s.error).toBe(null);
    });

    it("takes another overflow policy when asked ('error')", () => {
      const feed = new Subject<number>();
      const s = new TestSubscriber<number>();
      controlled(feed, { capacity: 1, overflow: 'error' }).subscribe(s);
      feed.next(1);
      feed.next(2);
      expect(feed.observed).toBe(false);
      s.request(1);
      expect(s.values).toEqual([1]);
      expect(s.error?.name).toBe('OverflowError');
    });
  });

  describe('errors', () => {
    it('delivers the feed error after the buffered items', () => {
      const feed = new Subject<number>();
      const s = new TestSubscriber<number>();
      controlled(feed).subscribe(s);
      feed.next(1);
      feed.error(new Error('feed'));
      s.request(1);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(1)', 'error(Error: feed)']);
    });
  });

  describe('cancellation', () => {
    it('unsubscribes from the feed on cancel', () => {
      const feed = new Subject<number>();
      const s = new TestSubscriber<number>();
      controlled(feed).subscribe(s);
      expect(feed.observed).toBe(true);
      s.cancel();
      expect(feed.observed).toBe(false);
    });
  });

  describe('empty and edge cases', () => {
    it('validates its options at assembly time', () => {
      expect(() => controlled(new Subject<number>(), { capacity: 1.5 })).toThrow(RangeError);
    });
  });
});
