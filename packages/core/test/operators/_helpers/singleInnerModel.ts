// A seeded random-interleaving model for switchMap and exhaustMap: random requests (also reentrant ones from
// onNext), outer items, inner items and completions, with the bounds and the expected output checked after each step.
import { expect } from 'vitest';
import { isInspectable } from '../../../src/internal/inspect';
import { exhaustMap } from '../../../src/operators/exhaustMap';
import { switchMap } from '../../../src/operators/switchMap';
import { TestPublisher } from '../../../src/testing/TestPublisher';
import { TestSubscriber } from '../../../src/testing/TestSubscriber';
import { seededRandom } from './flatten';

/** Runs one seeded scenario; returns how many inner items were sent, so callers can check the model did work. */
export function runSingleInnerModel(seed: number, mode: 'switch' | 'exhaust'): number {
  const random = seededRandom(seed);
  const prefetch = 1 + random(4);
  const inners: TestPublisher<string>[] = [];
  const sent: string[][] = [];
  const outer = new TestPublisher<number>();
  const s = new TestSubscriber<string>({
    onNext: (_, sub) => {
      if (random(4) === 0) sub.request(1 + random(2));
    },
  });
  const project = (i: number) => {
    const inner = new TestPublisher<string>();
    inners.push(inner);
    sent.push([]);
    return inner;
  };
  const operator = mode === 'switch' ? switchMap(project, { prefetch }) : exhaustMap(project, { prefetch });
  operator(outer).subscribe(s);
  const context = () => `seed ${seed}, mode ${mode}, prefetch ${prefetch}`;
  const deliveredOf = (i: number) => s.values.filter((v) => v.startsWith(`${i}:`));
  /** The model's idea of a live inner: subscribed, not cancelled, and not (completed with every item delivered). */
  const modelLive = () => {
    const i = inners.length - 1;
    const inner = inners[i];
    if (inner === undefined || inner.cancelled) return false;
    return !(inner.terminated && deliveredOf(i).length === sent[i]!.length);
  };
  let ignored = 0;
  let discarded = 0;
  const checkBounds = (): string | null => {
    const live = inners.filter((p) => !p.cancelled && !p.terminated).length;
    if (live > 1) return `${live} live inners`;
    if (outer.outstanding > 1) return `outer outstanding ${outer.outstanding}`;
    for (const p of inners) if (p.outstanding > prefetch) return `inner outstanding ${p.outstanding}`;
    const snapshot = isInspectable(s.subscription) ? s.subscription.inspect() : null;
    if (snapshot === null || snapshot.buffered > prefetch) return `snapshot ${JSON.stringify(snapshot)}`;
    if (snapshot.dropped !== ignored + discarded) return `dropped ${snapshot.dropped}, model ${ignored + discarded}`;
    if (s.violations.length > 0) return s.violations.join('; ');
    return null;
  };
  let outerItems = 0;
  for (let step = 0; step < 60; step++) {
    const last = inners.length - 1;
    const current = inners[last];
    switch (random(6)) {
      case 0:
        s.request(1 + random(3));
        break;
      case 1:
      case 2:
        if (!outer.terminated && outer.outstanding > 0) {
          const live = modelLive();
          if (live && mode === 'exhaust') ignored++;
          if (live && mode === 'switch') discarded += sent[last]!.length - deliveredOf(last).length;
          outer.next(outerItems++);
        }
        break;
      case 3:
        if (current !== undefined && !current.cancelled && !current.terminated && current.outstanding > 0) {
          const value = `${last}:${sent[last]!.length}`;
          sent[last]!.push(value);
          current.next(value);
        }
        break;
      case 4:
        if (current !== undefined && !current.cancelled && !current.terminated && random(2) === 0) current.complete();
        break;
      default:
        if (!outer.terminated && random(6) === 0) outer.complete();
    }
    const failure = checkBounds();
    if (failure !== null) expect.fail(`${failure} after step ${step} (${context()})`);
  }
  s.request(Infinity);
  if (!outer.terminated) outer.complete();
  const last = inners[inners.length - 1];
  if (last !== undefined && !last.cancelled && !last.terminated) last.complete();
  expect(s.completed, context()).toBe(true);
  // Inners follow one another; each delivered a prefix of what it sent (all of it unless switched away).
  const expected: string[] = [];
  for (let i = 0; i < inners.length; i++) {
    const delivered = deliveredOf(i);
    expect(delivered, context()).toEqual(sent[i]!.slice(0, delivered.length));
    if (mode === 'exhaust' || i === inners.length - 1) expect(delivered.length, context()).toBe(sent[i]!.length);
    expected.push(...delivered);
  }
  expect(s.values, context()).toEqual(expected);
  expect(inners.length + ignored, context()).toBe(outerItems);
  return sent.flat().length;
}
