import { ENDED_STAGE, OVERFLOW_STAGE, RingBuffer, type StageMetrics } from '@sluice/core';

/** One stage as the page draws it: the registry's numbers, its place in the flow, its rates and its depth history. */
export interface StageView {
  readonly stage: string;
  /** The registry's two totals (`(ended)`, `(overflow)`) are drawn apart from the flow. */
  readonly total: boolean;
  /** Flow position: 0 for a stage nothing held feeds, else one more than its furthest upstream. */
  readonly column: number;
  /** Held stages that feed this one (fan-in when more than one). */
  readonly upstreams: readonly string[];
  /** Held stages this one feeds (fan-out when more than one). */
  readonly downstreams: readonly string[];
  readonly subscriptions: number;
  readonly capacity: number;
  readonly buffered: number;
  readonly deepest: number;
  readonly fillRatio: number;
  /** Demand downstream signalled that the stage has not met yet (`Infinity` when unbounded). */
  readonly requested: number;
  /** Demand the stage signalled upstream that upstream has not met yet. */
  readonly upstreamRequested: number;
  readonly received: number;
  readonly emitted: number;
  readonly dropped: number;
  readonly droppedByReason: Readonly<Record<string, number>>;
  readonly completed: number;
  readonly cancelled: number;
  readonly errors: number;
  /** Items per second over the last sample period (0 on a stage's first sample). */
  readonly inRate: number;
  readonly outRate: number;
  readonly dropRate: number;
  /** `buffered` at each sample, oldest first (only in a full frame: a page appends `buffered` from later ones). */
  history?: number[];
}

/** What one Server-Sent Event carries. */
export interface Frame {
  /** The sampler's clock when the frame was taken, in ms. */
  readonly t: number;
  /** Time since the first sample, in ms. */
  readonly uptimeMs: number;
  readonly periodMs: number;
  /** Samples a sparkline holds. */
  readonly historyLength: number;
  /** The fill ratio from which a stage is drawn as near its bound. */
  readonly warnAt: number;
  /** True when every stage carries its `history`. */
  readonly full: boolean;
  readonly stages: readonly StageView[];
}

interface Track {
  readonly depth: RingBuffer<number>;
  received: number;
  emitted: number;
  dropped: number;
  at: number;
}

/**
 * Flow columns from the stages' upstream links: a longest-path layering, so source → operators → sink reads left to
 * right, a fan-in stage sits right of all its inputs and a fan-out stage's outputs sit right of it. Links to stages
 * that are not held are ignored; a cycle (two stages naming each other) cannot loop: at most one pass per stage,
 * and no column past the number of stages.
 */
export function flowColumns(stages: readonly Pick<StageMetrics, 'stage' | 'upstreams'>[]): Map<string, number> {
  const held = new Set(stages.map((s) => s.stage));
  const column = new Map<string, number>(stages.map((s) => [s.stage, 0]));
  for (let pass = 0; pass < stages.length; pass++) {
    let changed = false;
    for (const s of stages) {
      let c = 0;
      for (const up of s.upstreams) if (held.has(up) && up !== s.stage) c = Math.max(c, column.get(up)! + 1);
      c = Math.min(c, stages.length - 1); // no path among n stages is longer than n - 1: only a cycle grows past it
      if (c > column.get(s.stage)!) {
        column.set(s.stage, c);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return column;
}

/**
 * Turns registry snapshots into frames. Holds, per stage, a depth history of `historyLength` samples (a RingBuffer:
 * the oldest sample makes room) and the counters of the previous sample for the rates. A stage the registry no longer
 * holds is forgotten at the next sample, so the tracks are bounded by the registry's own `maxStages`.
 */
export class FrameBuilder {
  private readonly tracks = new Map<string, Track>();
  private last: { t: number; views: StageView[] } = { t: 0, views: [] };
  private first: number | null = null;

  constructor(
    readonly periodMs: number,
    readonly historyLength: number,
    readonly warnAt: number,
  ) {}

  /** Records one sample; returns the frame a connected page receives (without histories). */
  sample(stages: readonly StageMetrics[], now: number): Frame {
    this.first ??= now;
    const columns = flowColumns(stages.filter((s) => !isTotal(s.stage)));
    const downstreams = new Map<string, string[]>();
    for (const s of stages) {
      for (const up of s.upstreams) if (columns.has(up) && up !== s.stage) (downstreams.get(up) ?? downstreams.set(up, []).get(up)!).push(s.stage);
    }
    const seen = new Set<string>();
    const views: StageView[] = [];
    for (const s of stages) {
      seen.add(s.stage);
      let track = this.tracks.get(s.stage);
      const fresh = track === undefined;
      if (track === undefined) {
        track = { depth: new RingBuffer<number>(this.historyLength), received: s.received, emitted: s.emitted, dropped: s.dropped, at: now };
        this.tracks.set(s.stage, track);
      }
      if (track.depth.isFull) track.depth.poll();
      track.depth.offer(s.buffered);
      const seconds = (now - track.at) / 1000;
      const rate = (current: number, previous: number): number =>
        fresh || !(seconds > 0) ? 0 : Math.max(0, current - previous) / seconds;
      views.push({
        stage: s.stage, total: isTotal(s.stage), column: columns.get(s.stage) ?? 0,
        upstreams: s.upstreams.filter((up) => columns.has(up) && up !== s.stage), downstreams: downstreams.get(s.stage) ?? [],
        subscriptions: s.subscriptions, capacity: s.capacity, buffered: s.buffered, deepest: s.deepest, fillRatio: s.fillRatio,
        requested: s.requested, upstreamRequested: s.upstreamRequested, received: s.received, emitted: s.emitted,
        dropped: s.dropped, droppedByReason: s.droppedByReason, completed: s.completed, cancelled: s.cancelled,
        errors: s.errors, inRate: rate(s.received, track.received), outRate: rate(s.emitted, track.emitted),
        dropRate: rate(s.dropped, track.dropped),
      });
      track.received = s.received;
      track.emitted = s.emitted;
      track.dropped = s.dropped;
      track.at = now;
    }
    for (const stage of this.tracks.keys()) if (!seen.has(stage)) this.tracks.delete(stage);
    this.last = { t: now, views };
    return this.frame(false);
  }

  /** The last sample as a full frame: every stage with its depth history (what a page gets when it connects). */
  fullFrame(): Frame {
    return this.frame(true);
  }

  private frame(full: boolean): Frame {
    const stages = full
      ? this.last.views.map((view) => {
          const depth = this.tracks.get(view.stage)?.depth;
          const history: number[] = [];
          if (depth !== undefined) for (let i = 0; i < depth.size; i++) history.push(depth.get(i)!);
          return { ...view, history };
        })
      : this.last.views;
    return { t: this.last.t, uptimeMs: this.last.t - (this.first ?? this.last.t), periodMs: this.periodMs, historyLength: this.historyLength, warnAt: this.warnAt, full, stages };
  }
}

function isTotal(stage: string): boolean {
  return stage === ENDED_STAGE || stage === OVERFLOW_STAGE;
}

/** JSON for a frame: `Infinity` (unbounded demand) is spelled as the string "Infinity", which JSON cannot carry. */
export function frameJson(frame: Frame): string {
  return JSON.stringify(frame, (_key, value: unknown) =>
    typeof value === 'number' && !Number.isFinite(value) ? String(value) : value,
  );
}
