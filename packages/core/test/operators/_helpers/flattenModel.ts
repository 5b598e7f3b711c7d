// A seeded random-interleaving model for the flattening operators (mergeMap, concatMap): random requests (also
// reentrant ones from onNext), outer items, inner items and completions, with the bounds checked after each step.
import { expect } from 'vitest';
import type { Operator } from '../../../src/Flow';
import { isInspectable } from '../../../src/internal/inspect';
import type { Publisher } from '../../../src/spec/Publisher';
import { TestPublisher } from '../../../src/testing/TestPublisher';
import { TestSubscriber } from '../../../src/testing/TestSubscriber';
import { seededRandom } from './flatten';

export interface ModelSettings {
  concurrency: number;
  outerPrefetch: number;
  prefetch: number;
  ordered: boolean;
}

/** Runs one seeded scenario; returns how many inner items were sent, so callers can check the model did work. */
export function runFlattenModel(
  seed: number,
  pick: (random: (below: number) => number) => ModelSettings,
  build: (project: (i: number) => Publisher<string>, settings: ModelSettings) => Operator<number, string>,
): number {
  const random = seededRandom(seed);
  const settings = pick(random);
  const inners: TestPublisher<string>[] = [];
  const sent: string[] = [];
  const outer = new TestPublisher<number>();
  const s = new TestSubscriber<string>({
    onNext: (_, sub) => {
      if (random(4) === 0) sub.request(1 + random(2));
    },
  });
  const project = (i: number) => (inners[i] = new TestPublisher<string>());
  build(project, settings)(outer).subscribe(s);
  const live = () => inners.filter((p) => p.subscriberCount > 0 && !p.terminated && !p.cancelled);
  const emit = (p: TestPublisher<string>) => {
    const value = `${inners.indexOf(p)}:${sent.length}`;
    sent.push(value);
    p.next(value);
  };
  let outerItems = 0;
  const checkBounds = (): string | null => {
    if (live().length > settings.concurrency) return `${live().length} live inners`;
    if (outer.outstanding > settings.outerPrefetch) return `outer outstanding ${outer.outstanding}`;
    for (const p of inners) if (p.outstanding > settings.prefetch) return `inner outstanding ${p.outstanding}`;
    const snapshot = isInspectable(s.subscription) ? s.subscription.inspect() : null;
    if (snapshot === null || snapshot.buffered > snapshot.capacity) return `snapshot ${JSON.stringify(snapshot)}`;
    if (s.violations.length > 0) return s.violations.join('; ');
    return null;
  };
  const context = () => `seed ${seed}, settings ${JSON.stringify(settings)}`;
  for (let step = 0; step < 60; step++) {
    const running = live();
    const inner = running[random(Math.max(running.length, 1))];
    switch (random(6)) {
      case 0:
        s.request(1 + random(3));
        break;
      case 1:
      case 2:
        if (!outer.terminated && outer.outstanding > 0) outer.next(outerItems++);
        break;
      case 3:
        if (inner !== undefined && inner.outstanding > 0) emit(inner);
        break;
      case 4:
        if (inner !== undefined && random(2) === 0) inner.complete();
        break;
      default:
        if (!outer.terminated && random(6) === 0) outer.complete();
    }
    const failure = checkBounds();
    if (failure !== null) expect.fail(`${failure} after step ${step} (${context()})`);
  }
  // Drain the model: everything completes once the downstream asks for everything.
  s.request(Infinity);
  if (!outer.terminated) outer.complete();
  for (let running = live(); running.length > 0; running = live()) for (const p of running) p.complete();
  expect(s.completed, context()).toBe(true);
  expect(s.violations, context()).toEqual([]);
  if (settings.ordered) {
    expect(s.values, context()).toEqual(sent);
  } else {
    expect([...s.values].sort(), context()).toEqual([...sent].sort());
    for (let i = 0; i < inners.length; i++) {
      const own = (list: string[]) => list.filter((v) => v.startsWith(`${i}:`));
      expect(own(s.values), context()).toEqual(own(sent)); // each inner's items keep their order
    }
  }
  return sent.length;
}
