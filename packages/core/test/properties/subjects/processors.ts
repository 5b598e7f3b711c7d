// Property subjects: the processors, subscribed directly to a hostile upstream (no boundary adapter in between).
import { MulticastProcessor } from '../../../src/processors/MulticastProcessor';
import { UnicastProcessor } from '../../../src/processors/UnicastProcessor';
import { type Subject, prefetch } from '../harness';

export const processorSubjects: Subject[] = [
  {
    name: 'UnicastProcessor', upstreams: 1, bound: prefetch(4),
    build: (env) => { const p = new UnicastProcessor<number>({ capacity: 4 }); env.upstreams[0]!.subscribe(p); return p; },
  },
  {
    name: 'MulticastProcessor', upstreams: 1, bound: prefetch(4),
    build: (env) => { const p = new MulticastProcessor<number>({ capacity: 4 }); env.upstreams[0]!.subscribe(p); return p; },
  },
  {
    name: 'MulticastProcessor', upstreams: 1, subscribers: 3, bound: prefetch(4),
    build: (env) => { const p = new MulticastProcessor<number>({ capacity: 4 }); env.upstreams[0]!.subscribe(p); return p; },
  },
  {
    name: 'MulticastProcessor', upstreams: 1, subscribers: 3, bound: prefetch(4), cancelsUpstream: false,
    build: (env) => { const p = new MulticastProcessor<number>({ capacity: 4, autoCancel: false }); env.upstreams[0]!.subscribe(p); return p; },
  },
  {
    // Subscribed before the upstream: items are requested as soon as the upstream arrives.
    name: 'MulticastProcessor', upstreams: 1, bound: prefetch(3),
    build: (env) => {
      const p = new MulticastProcessor<number>({ capacity: 3, autoCancel: true });
      return { subscribe: (s) => { p.subscribe(s); env.upstreams[0]!.subscribe(p); } };
    },
  },
];
