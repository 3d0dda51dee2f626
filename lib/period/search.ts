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
  /** |z| an event needs to take part in the spike fold. */
  eventThreshold: number;
  /** ln p-value a fold must reach. */
  maxLogP: number;
  /** Share of cycles that must hold the spike. */
  minHitShare: number;
  /** z of the shape F test a profile must reach. */
  minShapeZ: number;
  /** Share of the variance a profile must explain. */
  minExplained: number;
}

/** One proposal and the judges' verdicts on it. */
export interface Judged {
  /** The proposed period, in points. */
  period: number;
  /** The spike judge's fold, or null (not folded, or not significant). */
  spikes: (EventFold & { kind: "spikes-up" | "spikes-down" }) | null;
  /** The shape judge's fold, or null. */
  shape: ShapeFold | null;
}

/** Spike positions of one direction and their |z|. */
export interface Train {
  /** Spikes up, or dips. */
  kind: "spikes-up" | "spikes-down";
  /** Their indices, ascending. */
  positions: Float64Array;
  /** Their |z|, aligned with `positions`. */
  sizes: Float64Array;
}

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
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { startSearch } from "./search.ts";
 * import { JUDGE } from "./tuning.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // robust z-scores of 1000 points: noise, and a spike of z = 8 every 50 points from point 17
 * const z = Float64Array.from({ length: 1000 }, (_, i) => i % 50 === 17 ? 8 : noise());
 * const finite = new Uint8Array(1000).fill(1);
 * const { eventThreshold, maxLogP, minHitShare, minShapeZ, minExplained } = JUDGE;
 * const settings = { eventThreshold, maxLogP, minHitShare, minShapeZ, minExplained };
 * const search = startSearch(z, finite, settings);
 * assertAlmostEquals(search.proposals[0], 50, 1e-3);
 * assertEquals([search.factor, search.events.length], [1, 20]); // the 20 spikes
 * assertEquals([...search.trains[0].positions.slice(0, 3)], [17, 67, 117]);
 * ```
 */
export interface Search {
  /** The robust z-scores searched. */
  z: Float64Array;
  /** 1 where the series was finite. */
  finite: Uint8Array;
  /** The series' length. */
  n: number;
  /** Points per block of the reduced signals (1 below `PROPOSE.reducedLength`). */
  factor: number;
  /** The judges' thresholds. */
  settings: JudgeSettings;
  /** Called before each fold with the units of work it will spend (`WORK_UNITS`). */
  checkpoint: (units: number) => void;
  /** Announces a spike fold over `events` events. */
  spend: (events: number) => void;
  /** The reduced spike and shape signals, and their finite blocks. */
  spikes: Float64Array;
  /** The reduced shape signal (clipped z, a block's mean). */
  shape: Float64Array;
  /** 1 for a block that holds a finite point. */
  blocksFinite: Uint8Array;
  /** Lags the autocorrelation is computed for, and the longest a peak may sit at. */
  lags: number;
  /** The longest lag a peak may sit at (a third of the reduced series). */
  maxLag: number;
  /** The periods proposed so far, in points, in the order they were proposed. */
  proposals: number[];
  /** The strongest events (|z| ≥ eventThreshold), and as trains up and down. */
  events: Extreme[];
  /** The events as trains: up, then down. */
  trains: [Train, Train];
  /** The correction of the spike folds: 2 directions × the proposals of the first stage. */
  trials: number;
  /** Each proposal judged so far, with the verdicts. */
  judged: Judged[];
}

/**
 * The search's signals, first proposals and events (see {@linkcode Search}).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { startSearch } from "./search.ts";
 * import { JUDGE } from "./tuning.ts";
 * const { eventThreshold, maxLogP, minHitShare, minShapeZ, minExplained } = JUDGE;
 * const settings = { eventThreshold, maxLogP, minHitShare, minShapeZ, minExplained };
 * // 100 000 points are reduced in blocks of 4 for the autocorrelation (at most 32 768)
 * const search = startSearch(new Float64Array(100_000), new Uint8Array(100_000).fill(1), settings);
 * assertEquals([search.factor, search.spikes.length], [4, 25_000]);
 * ```
 */
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

/**
 * How many events a fold keeps for a series of n points.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { eventCap } from "./search.ts";
 * import { JUDGE } from "./tuning.ts";
 * assertEquals(eventCap(1000), JUDGE.eventCap);
 * assertEquals(eventCap(10_000_000) > JUDGE.eventCap, true);
 * ```
 */
export function eventCap(n: number): number {
  return Math.max(JUDGE.eventCap, Math.floor(n * JUDGE.eventCapShare));
}

/**
 * The `cap` largest events by |z|, in index order (all of them when there are fewer).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { Extreme } from "../series/mod.ts";
 * import { strongest } from "./search.ts";
 * const events: Extreme[] = [
 *   { index: 0, z: 4, direction: "up" },
 *   { index: 5, z: -9, direction: "down" },
 *   { index: 9, z: 6, direction: "up" },
 * ];
 * assertEquals(strongest(events, 2).map((e) => e.index), [5, 9]);
 * ```
 */
export function strongest(events: Extreme[], cap: number): Extreme[] {
  if (events.length <= cap) return events;
  return events.sort((a, b) => Math.abs(b.z) - Math.abs(a.z)).slice(0, cap)
    .sort((a, b) => a.index - b.index);
}

/**
 * The shape F test's bar: fewer than `JUDGE.fewCycles` cycles must clear a higher one.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { shapeBar, startSearch } from "./search.ts";
 * import { JUDGE } from "./tuning.ts";
 * const { eventThreshold, maxLogP, minHitShare, minShapeZ, minExplained } = JUDGE;
 * const settings = { eventThreshold, maxLogP, minHitShare, minShapeZ, minExplained };
 * const search = startSearch(new Float64Array(1000), new Uint8Array(1000).fill(1), settings);
 * assertEquals(shapeBar(search, 50), JUDGE.minShapeZ); // 20 cycles
 * assertEquals(shapeBar(search, 200), JUDGE.minShapeZ + JUDGE.fewCyclesExtraZ); // 5 cycles
 * ```
 */
export function shapeBar(search: Search, period: number): number {
  return search.n / period >= JUDGE.fewCycles
    ? search.settings.minShapeZ
    : search.settings.minShapeZ + JUDGE.fewCyclesExtraZ;
}

/**
 * The tolerance of a spike fold: ±1.5 points, or a block of the reduced signals.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { startSearch, toleranceOf } from "./search.ts";
 * import { JUDGE } from "./tuning.ts";
 * const { eventThreshold, maxLogP, minHitShare, minShapeZ, minExplained } = JUDGE;
 * const settings = { eventThreshold, maxLogP, minHitShare, minShapeZ, minExplained };
 * const search = startSearch(new Float64Array(1000), new Uint8Array(1000).fill(1), settings);
 * assertEquals(toleranceOf(search), JUDGE.tolerance);
 * ```
 */
export function toleranceOf(search: Search): number {
  return Math.max(JUDGE.tolerance, search.factor);
}
