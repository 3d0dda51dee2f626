/**
 * The state of one period search, shared by its stages: the signals, the proposals so far, the
 * spike events and the verdicts of the judges.
 *
 * Why: the search runs as stages (propose, judge the spike trains, judge the shapes, judge the
 * resets), each a function of this record, so that each stage reads as what it does and its
 * tuning sits in `tuning.ts`. Built by {@linkcode startSearch}: the spike and shape signals,
 * reduced in blocks for series longer than `PROPOSE.reducedLength`, their autocorrelation's
 * proposals, and the strongest spike events split by direction.
 *
 * Cost: O(n + m log m) for m = min(n, 32 768), plus O(E log E) to cap E events.
 *
 * @example
 * ```ts
 * const search = startSearch(z, finite, {});
 * search.proposals; // periods in points, e.g. [157.1, 78.5, 52.4, …]
 * ```
 */
import {
  affordableLags,
  autocorrelation2,
  type Extreme,
  extremes,
  positionsOf,
  sizesOf,
} from "../series/mod.ts";
import type { EventFold } from "./event_fold.ts";
import { finiteBlocks, reduceSignals } from "./fold_signals.ts";
import { proposeFrom } from "./propose.ts";
import type { ShapeFold } from "./shape_fold.ts";
import { JUDGE, PROPOSE, WORK_UNITS } from "./tuning.ts";

/** The judges' thresholds (defaults from `JUDGE`; a caller may tighten them). */
export interface JudgeSettings {
  eventThreshold: number;
  maxLogP: number;
  minHitShare: number;
  minShapeZ: number;
  minExplained: number;
}

/** One proposal and the judges' verdicts on it. */
export interface Judged {
  period: number;
  spikes: (EventFold & { kind: "spikes-up" | "spikes-down" }) | null;
  shape: ShapeFold | null;
}

/** Spike positions of one direction and their |z|. */
export interface Train {
  kind: "spikes-up" | "spikes-down";
  positions: Float64Array;
  sizes: Float64Array;
}

/** The state of one search. */
export interface Search {
  z: Float64Array;
  finite: Uint8Array;
  n: number;
  /** Points per block of the reduced signals (1 below `PROPOSE.reducedLength`). */
  factor: number;
  settings: JudgeSettings;
  /** Called before each fold with the units of work it will spend (`WORK_UNITS`). */
  checkpoint: (units: number) => void;
  /** Announces a spike fold over `events` events. */
  spend: (events: number) => void;
  /** The reduced spike and shape signals, and their finite blocks. */
  spikes: Float64Array;
  shape: Float64Array;
  blocksFinite: Uint8Array;
  /** Lags the autocorrelation is computed for, and the longest a peak may sit at. */
  lags: number;
  maxLag: number;
  proposals: number[];
  /** The strongest events (|z| ≥ eventThreshold), and as trains up and down. */
  events: Extreme[];
  trains: [Train, Train];
  /** The correction of the spike folds: 2 directions × the proposals of the first stage. */
  trials: number;
  judged: Judged[];
}

/** The search's signals, first proposals and events. */
export function startSearch(
  z: Float64Array,
  finite: Uint8Array,
  settings: JudgeSettings,
  checkpoint: (units: number) => void = () => {},
): Search {
  const n = z.length;
  const factor = Math.max(1, Math.ceil(n / PROPOSE.reducedLength));
  const { spikes, shape } = reduceSignals(z, factor);
  // Peaks are sought up to a third of the series, by one transform that holds those lags; they
  // are sharpened along their multiples up to the whole series, the lags beyond the transform
  // summed directly (a few, near the multiples).
  const maxLag = Math.floor(spikes.length * PROPOSE.maxLagShare);
  const lags = affordableLags(spikes.length, maxLag);
  const [acfSpikes, acfShape] = autocorrelation2(spikes, shape, lags);
  const proposals: number[] = [];
  proposeFrom(proposals, acfSpikes, spikes, maxLag, factor);
  proposeFrom(proposals, acfShape, shape, maxLag, factor);
  // Folding costs O(E log E) per proposal: a series that spikes everywhere keeps only its
  // strongest events (a cause worth finding is among them).
  const events = strongest(extremes(z, settings.eventThreshold), eventCap(n));
  const train = (kind: Train["kind"], direction: "up" | "down"): Train => ({
    kind,
    positions: positionsOf(events, direction),
    sizes: sizesOf(events, direction),
  });
  return {
    z,
    finite,
    n,
    factor,
    settings,
    checkpoint,
    spend: (events) => checkpoint(WORK_UNITS.eventFold * events),
    spikes,
    shape,
    blocksFinite: finiteBlocks(finite, factor),
    lags,
    maxLag,
    proposals,
    events,
    trains: [train("spikes-up", "up"), train("spikes-down", "down")],
    trials: 2 * proposals.length,
    judged: [],
  };
}

/** How many events a fold keeps for a series of n points. */
export function eventCap(n: number): number {
  return Math.max(JUDGE.eventCap, Math.floor(n * JUDGE.eventCapShare));
}

/** The `cap` largest events by |z|, in index order (all of them when there are fewer). */
export function strongest(events: Extreme[], cap: number): Extreme[] {
  if (events.length <= cap) return events;
  return events.sort((a, b) => Math.abs(b.z) - Math.abs(a.z)).slice(0, cap)
    .sort((a, b) => a.index - b.index);
}

/** The shape F test's bar: fewer than `JUDGE.fewCycles` cycles must clear a higher one. */
export function shapeBar(search: Search, period: number): number {
  return search.n / period >= JUDGE.fewCycles
    ? search.settings.minShapeZ
    : search.settings.minShapeZ + JUDGE.fewCyclesExtraZ;
}

/** The tolerance of a spike fold: ±1.5 points, or a block of the reduced signals. */
export function toleranceOf(search: Search): number {
  return Math.max(JUDGE.tolerance, search.factor);
}
