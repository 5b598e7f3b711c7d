// Property subjects: the resource operators (finalize, using), whose user callbacks must run exactly once per
// subscription, once it is over.
import { finalize, type FinalSignal } from '../../../src/operators/finalize';
import { using } from '../../../src/operators/using';
import { toFlow } from '../../../src/internal/lift';
import type { Flow } from '../../../src/Flow';
import type { Env, Subject } from '../harness';

const up = (env: Env): Flow<number> => toFlow(env.upstreams[0]!);

/** finalize's callback: exactly once per subscription once it is over, never before. */
function finalizeSubject(): Subject {
  const calls = new WeakMap<Env, FinalSignal[]>();
  return {
    name: 'finalize', upstreams: 1,
    build: (env) => { calls.set(env, []); return up(env).pipe(finalize(env.track((signal: FinalSignal) => { calls.get(env)!.push(signal); }))); },
    verify: (env, monitor) => {
      const got = calls.get(env)!;
      if (monitor.over && got.length !== 1) return [`finalize callback ran ${got.length} times: ${got.join(', ')}`];
      if (!monitor.over && got.length !== 0) return [`finalize callback ran before the end: ${got.join(', ')}`];
      return [];
    },
  };
}

/** using's dispose: exactly once per subscription once it is over. */
function usingSubject(): Subject {
  const counts = new WeakMap<Env, { created: number; disposed: number }>();
  return {
    name: 'using', upstreams: 1,
    build: (env) => {
      const c = { created: 0, disposed: 0 };
      counts.set(env, c);
      return using(
        env.track(() => { c.created++; return { open: true }; }), env.track(() => env.upstreams[0]!),
        env.track((r: { open: boolean }) => { r.open = false; c.disposed++; }),
      );
    },
    verify: (env, monitor) => {
      // A subscriber that cancels or fails from inside onSubscribe gets no resource at all; otherwise exactly one,
      // disposed once the subscription is over and not before.
      const { created, disposed } = counts.get(env)!;
      if (created > 1) return [`using created ${created} resources for one subscription`];
      if (monitor.over && disposed !== created) return [`using disposed ${disposed} of ${created} resources after the end`];
      if (!monitor.over && disposed !== 0) return [`using disposed ${disposed} times before the end`];
      return [];
    },
  };
}

export const resourceSubjects: Subject[] = [finalizeSubject(), usingSubject()];
