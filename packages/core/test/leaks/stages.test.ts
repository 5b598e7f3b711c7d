// Reference release (§3.13) for every source, operator, combinator and processor: after cancel, after completion,
// after an upstream error and after a §3.9 bad request, neither the subscriber nor the user callbacks are reachable
// from what lives on (the upstream publishers, the scheduler, a hot source). The subjects are the property suites'.
import { describe, expect, it } from 'vitest';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { type Env, type Subject, Monitor, makeEnv } from '../properties/harness';
import { combinatorSubjects } from '../properties/subjects/combinators';
import { operatorSubjects } from '../properties/subjects/operators';
import { processorSubjects } from '../properties/subjects/processors';
import { resourceSubjects } from '../properties/subjects/resources';
import { sourceSubjects } from '../properties/subjects/sources';
import { timeAndLifecycleSubjects } from '../properties/subjects/timeAndLifecycle';
import { collectGarbage } from '../support/collectGarbage';

type Ending = 'cancel' | 'complete' | 'error' | 'bad request';

interface Probes {
  subscriber: WeakRef<object>;
  callbacks: WeakRef<object>[];
  /** The subject reached the ending (a never-ending source cannot complete). */
  ended: boolean;
}

async function settle(env: Env, subject: Subject): Promise<void> {
  env.scheduler.advanceBy(1);
  if (subject.async) for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  env.scheduler.advanceBy(1);
}

/**
 * Subscribes, moves some items, ends the subscription, and returns only WeakRefs: once this returns, the flow, the
 * subscriber and the callbacks are garbage unless something that lives on (env) still holds them.
 */
async function subscribeAndEnd(subject: Subject, env: Env, callbacks: WeakRef<object>[], ending: Ending): Promise<Probes> {
  const monitor = new Monitor();
  subject.build(env).subscribe(monitor);
  await settle(env, subject);
  monitor.request(3);
  for (const up of env.upstreams) {
    for (let i = 1; i <= 2 && up.subscriber !== null && !up.cancelled && !up.terminated && up.outstanding > 0; i++) up.next(i);
  }
  await settle(env, subject);
  switch (ending) {
    case 'cancel':
      monitor.cancel();
      break;
    case 'bad request':
      monitor.request(-1);
      break;
    case 'error':
      for (const up of env.upstreams) if (up.subscriber !== null && !up.cancelled && !up.terminated) up.error(new Error('upstream failed'));
      if (env.upstreams.length === 0) monitor.cancel();
      break;
    case 'complete':
      monitor.request(Infinity);
      for (let round = 0; round < 6 && !monitor.over; round++) {
        for (const up of env.upstreams) if (up.subscriber !== null && !up.cancelled && !up.terminated) up.complete();
        await settle(env, subject);
        env.scheduler.advanceBy(1_000);
      }
      break;
  }
  await settle(env, subject);
  env.scheduler.advanceBy(1_000);
  const ended = ending === 'cancel' ? monitor.cancelled : monitor.over;
  return { subscriber: new WeakRef(monitor), callbacks, ended };
}

const allSubjects: Subject[] = [
  ...sourceSubjects, ...operatorSubjects, ...combinatorSubjects, ...processorSubjects, ...timeAndLifecycleSubjects, ...resourceSubjects,
];

describe('reference release after the subscription ends (§3.13)', () => {
  const seen = new Map<string, number>();
  for (const subject of allSubjects) {
    const nth = (seen.get(subject.name) ?? 0) + 1;
    seen.set(subject.name, nth);
    const label = nth > 1 ? `${subject.name} (variant ${nth})` : subject.name;
    it(`${label} releases the subscriber and the user callbacks after cancel, completion, error and a bad request`, async () => {
      const leaks: string[] = [];
      const ended: Array<{ ending: Ending; probes: Probes }> = [];
      const envs: Env[] = []; // what lives on: the upstreams and the scheduler, until after the collection
      for (const ending of ['cancel', 'complete', 'error', 'bad request'] as const) {
        const reported = captureReportedErrors();
        const callbacks: WeakRef<object>[] = [];
        const env = makeEnv(subject, (callback) => { callbacks.push(new WeakRef(callback)); return callback; });
        envs.push(env);
        try {
          const probes = await subscribeAndEnd(subject, env, callbacks, ending);
          // A source that never ends (never, interval) is covered by its cancel case.
          if (probes.ended) ended.push({ ending, probes });
        } finally {
          reported.restore();
          reported.errors.length = 0; // a captured error's stack frames could hold the subscriber
        }
      }
      await collectGarbage();
      for (const { ending, probes } of ended) {
        if (probes.subscriber.deref() !== undefined) leaks.push(`${ending}: the subscriber is still reachable`);
        const kept = probes.callbacks.filter((ref) => ref.deref() !== undefined).length;
        if (kept > 0) leaks.push(`${ending}: ${kept} of ${probes.callbacks.length} user callbacks still reachable`);
      }
      expect(ended.length).toBeGreaterThan(0);
      expect(envs.length).toBe(4);
      expect(leaks).toEqual([]);
    });
  }
});
