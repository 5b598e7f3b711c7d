/**
 * A snapshot of one stage, for metrics and the demo (Reactor's Scannable, trimmed). Stages that buffer implement
 * `Inspectable`; the numbers describe the buffer at the moment of the call.
 */
export interface StageSnapshot {
  /** The stage's name (operator name, or the name given by the user). */
  readonly stage: string;
  /** The buffer's bound, or 0 for stages without a buffer. */
  readonly capacity: number;
  /** Items currently buffered. */
  readonly buffered: number;
  /** Outstanding demand from downstream (`Infinity` when unbounded). */
  readonly requested: number;
  /** Outstanding demand this stage has signalled upstream. */
  readonly upstreamRequested: number;
  readonly received: number;
  readonly emitted: number;
  readonly dropped: number;
  /** Age-budgeted stages only (`maxAge`): how many of `dropped` were items that outlived their budget. */
  readonly expired?: number;
  readonly terminated: boolean;
  readonly cancelled: boolean;
  /**
   * Multicast stages only: one entry per current subscriber, in subscription order, with its outstanding demand
   * and the buffered items it has not received yet.
   */
  readonly subscribers?: readonly SubscriberSnapshot[];
  /** Worker-pool stages only (mergeMap, concatMap, merge): the job slots and how they are used. */
  readonly jobs?: JobsSnapshot;
}

/** A worker-pool view of a flattening stage (`StageSnapshot.jobs`). */
export interface JobsSnapshot {
  /** Inners running or with items still queued: the busy slots. */
  readonly active: number;
  /** Outer items held in this stage waiting for a free slot. */
  readonly queued: number;
  /** The number of slots (`concurrency`). */
  readonly concurrency: number;
  /** Jobs that completed (including failed jobs reported through `onJobError`). */
  readonly completed: number;
  /** Jobs that failed and were reported through `onJobError`. */
  readonly failed: number;
}

/** One subscriber of a multicast stage (see `StageSnapshot.subscribers`). */
export interface SubscriberSnapshot {
  readonly requested: number;
  readonly pending: number;
}

export interface Inspectable {
  inspect(): StageSnapshot;
}

export function isInspectable(value: unknown): value is Inspectable {
  return typeof value === 'object' && value !== null && typeof (value as Inspectable).inspect === 'function';
}
