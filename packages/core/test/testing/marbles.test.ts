import { describe, expect, it } from 'vitest';
import { delay, filter, limitRate, map, merge, onBackpressureDrop, range, take } from '../../src/index';
import { MarbleTester, parseDemandMarble, parseSignalMarble, runMarbles } from '../../src/testing/index';

// The demand-aware marble DSL of @sluice/core/testing: its parser, its sources, its expectations, and that an
// expectation that does not hold fails with a message showing both sides.

describe('marble parsing', () => {
  it('gives every non-space character one frame, and a group one frame whatever its length', () => {
    expect(parseSignalMarble('-a-(bc)-|')).toEqual([
      { frame: 1, kind: 'next', value: 'a' },
      { frame: 3, kind: 'next', value: 'b' },
      { frame: 3, kind: 'next', value: 'c' },
      { frame: 5, kind: 'complete' },
    ]);
    expect(parseSignalMarble(' a b ', { a: 1, b: 2 })).toEqual([{ frame: 0, kind: 'next', value: 1 }, { frame: 1, kind: 'next', value: 2 }]);
  });

  it("counts a hot marble's frames from ^", () => {
    expect(parseSignalMarble('a-^-b|', undefined, undefined, true)).toEqual([
      { frame: -2, kind: 'next', value: 'a' },
      { frame: 2, kind: 'next', value: 'b' },
      { frame: 3, kind: 'complete' },
    ]);
  });

  it('reads requests, unbounded requests and cancels from a demand marble', () => {
    expect(parseDemandMarble('2-*-(10)-k!', { k: 16 })).toEqual([
      { frame: 0, kind: 'request', n: 2 },
      { frame: 2, kind: 'request', n: Infinity },
      { frame: 4, kind: 'request', n: 1 },
      { frame: 4, kind: 'request', n: 0 },
      { frame: 6, kind: 'request', n: 16 },
      { frame: 7, kind: 'cancel' },
    ]);
  });

  it('rejects malformed marbles with the column', () => {
    expect(() => parseSignalMarble('a|b')).toThrow(/'b' at column 2 comes after the terminal signal/);
    expect(() => parseSignalMarble('(a(b))')).toThrow(/nested group at column 2/);
    expect(() => parseSignalMarble('(ab')).toThrow(/group not closed/);
    expect(() => parseSignalMarble('a^b')).toThrow(/'\^' marks the subscription point of a hot marble only/);
    expect(() => parseSignalMarble('ax', { a: 1 })).toThrow(/no value for 'x'/);
    expect(() => parseDemandMarble('2-x')).toThrow(/'x' at column 2 is not a request/);
  });
});

describe('cold sources and demand', () => {
  it('after request(2), exactly two items; the source was asked for 2, then 1 more', () => {
    runMarbles((m) => {
      const source = m.cold('abc|');
      m.expectFlow(source, { request: '2---1' }).toBe('ab--(c|)'); // | was due at frame 3: it follows c at once
      m.expectRequests(source).toBe('2---1');
    });
  });

  it('holds a value whose frame has come until it is requested, and completes after it', () => {
    runMarbles((m) => {
      const source = m.cold('-a|');
      m.expectFlow(source, { request: '----1' }).toBe('----(a|)');
    });
  });

  it('replays the marble for every subscription, from its own start, and logs each', () => {
    runMarbles((m) => {
      const source = m.cold('a-b|', { a: 1, b: 2 });
      m.expectFlow(source, { request: '*' }).toBe('a-b|', { a: 1, b: 2 });
      m.expectFlow(source, { request: '1-1' }).toBe('a-b|', { a: 1, b: 2 });
      m.expectRequests(source, 0).toBe('*');
      m.expectRequests(source, 1).toBe('1-1');
    });
  });

  it('records a cancel from the demand marble and stops there', () => {
    runMarbles((m) => {
      const source = m.cold('a-b-c|');
      m.expectFlow(source, { request: '*!' }).toBe('a');
      m.expectRequests(source).toBe('*!');
    });
  });

  it("puts a source's signals of a frame before the subscriber's calls of that frame", () => {
    runMarbles((m) => {
      const source = m.cold('a-b-c|');
      m.expectFlow(source, { request: '*-!' }).toBe('a-b'); // b is due at frame 2, so it arrives before the cancel
    });
  });

  it('signals #, matching the given error by name and message', () => {
    runMarbles((m) => {
      const boom = new TypeError('boom');
      m.expectFlow(m.cold('a#', undefined, boom)).toBe('a#', undefined, new TypeError('boom'));
    });
  });

  it('answers an invalid request with onError(RangeError) (§3.9), and the log keeps the raw call', () => {
    runMarbles((m) => {
      const source = m.cold('a|');
      m.expectFlow(source, { request: '0' }).toBe('#', undefined, new RangeError('§3.9: request(0) needs a positive integer'));
      m.expectRequests(source).toBe('0');
    });
  });
});

describe('hot sources', () => {
  it('plays once from ^ to the subscribers present; a value that finds no demand is dropped and recorded', () => {
    const m = new MarbleTester();
    const source = m.hot('a-^b-c-d|');
    m.expectFlow(source, { request: '1---1' }).toBe('-b---d|'); // a came before ^; c found no demand at frame 3
    m.expectRequests(source).toBe('1---1');
    m.flush();
    expect(source.dropped).toEqual([{ frame: 3, value: 'c', subscription: 0 }]);
  });

  it('gives a late subscriber the terminal signal of a marble that already ended', () => {
    const m = new MarbleTester();
    const source = m.hot('a|');
    m.scheduler.schedule(() => m.expectFlow(source).toBe('--|'), 2);
    m.flush();
  });
});

describe("operators under marbles: what downstream receives and what the source was asked", () => {
  it('map and filter pass demand through, and filter asks one more for each item it drops', () => {
    runMarbles((m) => {
      const source = m.cold('abcd|', { a: 1, b: 2, c: 3, d: 4 });
      m.expectFlow(source.pipe(filter((x) => x % 2 === 0), map((x) => x * 10)), { request: '1--1' }).toBe('-x-y|', { x: 20, y: 40 });
      m.expectRequests(source).toBe('(11)--(11)'); // a dropped at 0 and c at 3: one more each, in the same frame
    });
  });

  it('take(2) caps an unbounded request at 2 and cancels the source after the second item', () => {
    runMarbles((m) => {
      const source = m.cold('a-b-c|');
      m.expectFlow(source.pipe(take(2)), { request: '*' }).toBe('a-(b|)');
      m.expectRequests(source).toBe('2-!');
    });
  });

  it('limitRate(4, 2) turns one unbounded request into batches of 4, then 2 every 2 delivered', () => {
    runMarbles((m) => {
      const source = m.cold('abcdefgh|');
      m.expectFlow(source.pipe(limitRate(4, 2)), { request: '*' }).toBe('abcdefgh|');
      m.expectRequests(source).toBe('42-2-2-2'); // 2 more after b, d, f and h went out
    });
  });

  it('onBackpressureDrop asks unbounded and drops what arrives without demand', () => {
    runMarbles((m) => {
      const source = m.cold('abcd|');
      m.expectFlow(source.pipe(onBackpressureDrop()), { request: '1-1' }).toBe('a--d|'); // b and c found no demand
      m.expectRequests(source).toBe('*');
    });
  });

  it('delay on the tester clock moves items by frames, never asking more than is wanted downstream', () => {
    runMarbles((m) => {
      const source = m.cold('a-b|');
      m.expectFlow(source.pipe(delay(3, { scheduler: m.scheduler })), { request: '2' }).toBe('---a-(b|)');
      m.expectRequests(source).toBe('2');
    });
  });

  it('merge interleaves two cold sources by frame', () => {
    runMarbles((m) => {
      const left = m.cold('a---c|');
      const right = m.cold('-b-|');
      m.expectFlow(merge(left, right)).toBe('ab--c|');
    });
  });

  it('works on sluice sources that are not marbles: range(1, 3) under request(1) then request(*)', () => {
    runMarbles((m) => {
      m.expectFlow(range(1, 3), { request: '1-*' }).toBe('x-(yz|)', { x: 1, y: 2, z: 3 });
    });
  });
});

describe('failing expectations', () => {
  it('reports every mismatch at once, each with what was expected and what was received', () => {
    const m = new MarbleTester();
    const source = m.cold('ab|');
    m.expectFlow(source, { request: '2' }).toBe('a-b|');
    m.expectRequests(source).toBe('1-1');
    expect(() => m.flush()).toThrow(
      '2 marble expectations failed:\n'
      + 'expectFlow #1 (a-b|): expected frame 0: a · frame 2: b · frame 3: |\n  received frame 0: a · frame 1: b · frame 2: |\n'
      + 'expectRequests (1-1): expected frame 0: request(1) · frame 2: request(1)\n  received frame 0: request(2)',
    );
  });

  it('fails when the flow under test breaks a rule towards its subscriber, even if the marble matches', () => {
    const m = new MarbleTester();
    // a publisher that ignores demand (§1.1): two items for request(1)
    const flood = { subscribe: (s: import('../../src/index').Subscriber<string>) => {
      s.onSubscribe({ request: () => {}, cancel: () => {} });
      s.onNext('a');
      s.onNext('b');
    } };
    m.expectFlow(flood, { request: '1' }).toBe('(ab)');
    expect(() => m.flush()).toThrow(/rules broken towards the subscriber: §1\.1: onNext\("b"\) at frame 0 beyond demand: requested 1, received 2/);
  });

  it('is bounded: flush stops at maxFrames, and a tester is used once', () => {
    const m = new MarbleTester({ maxFrames: 5 });
    m.expectFlow(m.cold('a-----b|')).toBe('a');
    m.flush();
    expect(m.frame).toBe(5);
    expect(() => m.expectFlow(m.cold('a'))).toThrow(/after flush\(\)/);
  });
});
