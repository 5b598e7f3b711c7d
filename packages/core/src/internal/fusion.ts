import type { Flow } from '../Flow';

/**
 * Assembly-time fusion of adjacent stateless stages (decision 0008). `map` records the Flows it builds here; a
 * `filter` applied directly to such a Flow builds one fused map-then-filter stage on the map's own upstream
 * instead of a second subscriber. A WeakMap keyed by the Flow, so Flow itself carries no fusion state and an
 * unused Flow is still collectable. Flows are immutable: the map's Flow stays usable on its own.
 */
interface MapStage {
  readonly upstream: Flow<unknown>;
  readonly mapper: (value: unknown, index: number) => unknown;
}

const mapStages = new WeakMap<Flow<unknown>, MapStage>();

export function recordMapStage<T, R>(flow: Flow<R>, upstream: Flow<T>, mapper: (value: T, index: number) => R): void {
  mapStages.set(flow as Flow<unknown>, {
    upstream: upstream as Flow<unknown>,
    mapper: mapper as (value: unknown, index: number) => unknown,
  });
}

/** The map stage that built `flow`, if it was built by `map` (only then can a following filter fuse into it). */
export function mapStageOf(flow: unknown): MapStage | undefined {
  return typeof flow === 'object' && flow !== null ? mapStages.get(flow as Flow<unknown>) : undefined;
}
