import type { Flow, LiftFunction, Operator } from '../Flow';
import { lift, toFlow } from '../internal/lift';
import type { MetricsRegistry } from './MetricsRegistry';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import { isNameLifter, nameLifter, type NameLifter } from './name';

export interface MetricsOptions {
  /**
   * Also register every unnamed stage that is Inspectable (the buffering ones), as `<operator>#<position>` where
   * position counts stages from the source (0). Each such stage then costs one pass-through call per item.
   * Default false: only `name(...)` stages are registered.
   */
  all?: boolean;
}

/**
 * Attaches the pipeline assembled so far to a `MetricsRegistry`: every `name(stage)` before it that has no
 * registry of its own registers with `registry`; with `{ all: true }`, so does every other buffering stage.
 *
 * ```
 * source.pipe(onBackpressureBuffer({ capacity: 64 }), name('buffer'), map(f), metrics(registry))
 * registry.stage('buffer') → { capacity: 64, buffered: 12, requested: 3, ... }
 * ```
 *
 * It rebuilds the chain of stages once, at assembly; it adds no stage of its own. It cannot see into a `share()`d
 * source's own chain (register the SharedFlow with `registry.register(stage, shared)`) nor into inner publishers
 * of mergeMap/concatMap (name them where they are built).
 *
 * **Demand**, **Errors**, **Cancellation**: unchanged; it adds nothing to the signals.
 *
 * @example
 * const registry = createMetricsRegistry();
 * const flow = create(producer).pipe(name('events'), mergeMap(fetch, { concurrency: 4 }), name('fetch'),
 *   metrics(registry));
 */
export function metrics<T>(registry: MetricsRegistry, options: MetricsOptions = {}): Operator<T, T> {
  if (registry == null || typeof registry.attach !== 'function') {
    throw new TypeError('metrics: registry must come from createMetricsRegistry()');
  }
  const all = options.all ?? false;
  if (typeof all !== 'boolean') throw new TypeError(`metrics: all must be a boolean, got ${typeof all}`);
  return (source: Publisher<T>): Flow<T> => {
    // Walk from this end to the source, collecting each stage's lift function.
    const lifters: LiftFunction<any, any>[] = [];
    let flow: Flow<any> = toFlow(source);
    while (flow.lifter !== null) {
      lifters.push(flow.lifter);
      flow = flow.source!;
    }
    lifters.reverse(); // lifters[i] builds stage i + 1; the source is stage 0
    const named = (i: number): boolean => i < lifters.length && isNameLifter(lifters[i]);
    let rebuilt: Flow<any> = flow;
    // Each name stage links to the nearest registered stage before it (`previous`), which gives the flow order.
    let previous: NameLifter<unknown> | null = null;
    const probe = (stage: string, auto: boolean, own: NameLifter<unknown> | null): NameLifter<any> => {
      const lifter = nameLifter<any>(stage, own?.registry ?? registry, auto, own?.after ?? [], previous);
      previous = lifter;
      return lifter;
    };
    if (all && !named(0)) rebuilt = lift(rebuilt, probe('0', true, null));
    for (let i = 0; i < lifters.length; i++) {
      const lifter = lifters[i]!;
      if (isNameLifter(lifter)) {
        rebuilt = lift(rebuilt, probe(lifter.stageName, false, lifter));
      } else if (all && !named(i + 1)) {
        const stage = probe(String(i + 1), true, null);
        rebuilt = lift(rebuilt, (downstream: Subscriber<any>) => lifter(stage(downstream)));
      } else {
        rebuilt = lift(rebuilt, lifter);
      }
    }
    return rebuilt;
  };
}
