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
  const disposed = new WeakMap<Env, number>();
  return {
    name: 'using', upstreams: 1,
    build: (env) => {
      disposed.set(env, 0);
      return using(
        env.track(() => ({ open: true })), env.track(() => env.upstreams[0]!),
        env.track((r: { open: boolean }) => { r.open = false; disposed.set(env, disposed.get(env)! + 1); }),
      );
    },
    verify: (env, monitor) => {
      const n = disposed.get(env)!;
      if (monitor.over && n !== 1) return [`using disposed ${n} times after the end`];
      if (!monitor.over && n !== 0) return [`using disposed ${n} times before the end`];
      return [];
    },
  };
}

export const resourceSubjects: Subject[] = [finalizeSubject(), usingSubject()];
