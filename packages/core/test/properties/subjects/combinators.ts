// Property subjects: the combinators over several hostile upstreams (concat, merge, zip, combineLatest).
import { combineLatest } from '../../../src/sources/combineLatest';
import { concat } from '../../../src/sources/concat';
import { map } from '../../../src/operators/map';
import { merge } from '../../../src/sources/merge';
import { race } from '../../../src/operators/race';
import { forkJoin } from '../../../src/operators/forkJoin';
import { zip } from '../../../src/sources/zip';
import { type Subject, passThrough, prefetch, unbounded } from '../harness';

export const combinatorSubjects: Subject[] = [
  { name: 'concat', upstreams: 3, bound: passThrough, build: (env) => concat(...env.upstreams) },
  { name: 'race', upstreams: 3, bound: passThrough, build: (env) => race(...env.upstreams) },
  {
    name: 'forkJoin', upstreams: 2, bound: unbounded,
    build: (env) => forkJoin(env.upstreams[0]!, env.upstreams[1]!).pipe(map(([a, b]) => a + b)),
  },
  { name: 'merge', upstreams: 3, bound: prefetch(32), build: (env) => merge(...env.upstreams) },
  {
    name: 'zip', upstreams: 2, bound: prefetch(32),
    build: (env) => zip(env.upstreams[0]!, env.upstreams[1]!).pipe(map(([a, b]) => a + b)),
  },
  {
    name: 'combineLatest', upstreams: 3, bound: prefetch(1),
    build: (env) => combineLatest(env.upstreams[0]!, env.upstreams[1]!, env.upstreams[2]!).pipe(map(([a, b, c]) => a + b + c)),
  },
];
