// Property subjects: the time operators (on the run's VirtualTimeScheduler) and the lifecycle operators (startWith,
// endWith, repeat, retry); finalize and using are in ./resources.ts.
import { bufferTime } from '../../../src/operators/bufferTime';
import { debounce } from '../../../src/operators/debounce';
import { endWith } from '../../../src/operators/endWith';
import { map } from '../../../src/operators/map';
import { repeat } from '../../../src/operators/repeat';
import { retry, retryBudget } from '../../../src/operators/retry';
import { sample } from '../../../src/operators/sample';
import { startWith } from '../../../src/operators/startWith';
import { throttle } from '../../../src/operators/throttle';
import { toFlow } from '../../../src/internal/lift';
import type { Flow } from '../../../src/Flow';
import { type Env, type Subject, passThrough, prefetch, resubscribing, unbounded } from '../harness';

const up = (env: Env): Flow<number> => toFlow(env.upstreams[0]!);

export const timeAndLifecycleSubjects: Subject[] = [
  {
    name: 'bufferTime', upstreams: 1, bound: prefetch(3),
    build: (env) => up(env).pipe(bufferTime(10, 3, { scheduler: env.scheduler }), map((b) => b.length)),
  },
  {
    name: 'bufferTime', upstreams: 1, bound: prefetch(3),
    build: (env) => up(env).pipe(bufferTime(4, 3, { scheduler: env.scheduler, onOverflow: 'drop' }), map((b) => b.length)),
  },
  { name: 'sample', upstreams: 1, bound: unbounded, build: (env) => up(env).pipe(sample(5, { scheduler: env.scheduler })) },
  { name: 'sample', upstreams: 1, bound: unbounded, build: (env) => up(env).pipe(sample(5, { scheduler: env.scheduler, onOverflow: 'drop' })) },
  { name: 'throttle', upstreams: 1, bound: unbounded, build: (env) => up(env).pipe(throttle(5, { scheduler: env.scheduler, leading: true, trailing: true })) },
  { name: 'debounce', upstreams: 1, bound: unbounded, build: (env) => up(env).pipe(debounce(5, { scheduler: env.scheduler })) },
  { name: 'startWith', upstreams: 1, bound: passThrough, build: (env) => up(env).pipe(startWith(100, 101)) },
  { name: 'endWith', upstreams: 1, bound: passThrough, build: (env) => up(env).pipe(endWith(100, 101)) },
  { name: 'repeat', upstreams: 1, bound: resubscribing, build: (env) => up(env).pipe(repeat(3)) },
  // Rule violations are errors too, so retry resubscribes after one: containment is the upstream being cancelled.
  { name: 'retry', upstreams: 1, bound: resubscribing, catchesErrors: true, build: (env) => up(env).pipe(retry({ count: 2 })) },
  {
    name: 'retry', upstreams: 1, bound: resubscribing, catchesErrors: true,
    build: (env) => up(env).pipe(retry({ count: 3, backoff: { initialMs: 5, factor: 2 }, scheduler: env.scheduler, random: () => 0.5 })),
  },
  // a shared retry budget, a `when` that picks the wait and a server-given delay on the error
  {
    name: 'retryBudget', upstreams: 1, bound: resubscribing, catchesErrors: true,
    build: (env) => up(env).pipe(retry({
      count: 4, scheduler: env.scheduler, budget: retryBudget({ ratio: 0.5, minRetries: 1, windowMs: 50, scheduler: env.scheduler }),
      when: (_error, attempt) => attempt * 2, retryAfter: (error) => (error.message.length % 2 === 0 ? 3 : undefined),
    })),
  },
];
