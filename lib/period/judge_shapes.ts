import { autocorrelation2 } from "../series/mod.ts";
import type { Period } from "./find_period.ts";
import { bestShape, noiseSignal, reduceSignals } from "./fold_signals.ts";
import { proposeFrom } from "./propose.ts";
import { profileCorrelation, type ShapeFold } from "./shape_fold.ts";
import { shapeFundamental } from "./shape_fundamental.ts";
import { type Search, shapeBar } from "./search.ts";
import { JUDGE, WORK_UNITS } from "./tuning.ts";

/** Level shifts, computed on demand, and the points each side of a shift needs. */
export interface Shifts {
  /** The robust z of the level shift at every point. */
  compute: () => Float64Array;
  /** The points each side of a shift needs to be measured. */
  width: number;
}

/** The signals the shape and reset judges add: the noise profile and the level shifts. */
export interface ShapeSignals {
  /** ln |Δy|, reduced like the other signals. */
  changes: Float64Array;
  /** Robust z of the level shifts on every point (null when not given). */
  steps: Float64Array | null;
}

/**
 * Adds the proposals of the noise profile and of the level shifts (one transform for both) to
 * the search, and returns those signals for the judges.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { proposeShapes } from "./judge_shapes.ts";
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
 * const before = search.proposals.length;
 * const signals = proposeShapes(search, undefined, undefined);
 * assertEquals([signals.changes.length, signals.steps], [1000, null]); // no shifts given
 * assertEquals(search.proposals.length >= before, true);
 * ```
 */
export function proposeShapes(
  search: Search,
  values: Float64Array | undefined,
  shifts: Shifts | undefined,
): ShapeSignals {
  const { factor, finite, proposals } = search;
  const changes = noiseSignal(values ?? search.z, factor, finite);
  const steps = shifts?.compute() ?? null;
  const known = proposals.length;
  const reducedSteps = steps ? reduceSignals(steps, factor).spikes : null;
  const [acfChanges, acfSteps] = autocorrelation2(
    changes,
    reducedSteps ?? new Float64Array(changes.length),
    search.lags,
  );
  proposeFrom(proposals, acfChanges, changes, search.maxLag, factor);
  if (reducedSteps) proposeFrom(proposals, acfSteps, reducedSteps, search.maxLag, factor);
  for (const proposal of proposals.slice(known)) {
    search.judged.push({ period: proposal, spikes: null, shape: null });
  }
  return { changes, steps };
}

/**
 * The shape judge: when no spike train holds, the noise profile and the level shifts propose
 * too, and every proposal is folded as a repeating profile.
 *
 * Why: unshuffled data repeats a whole profile every epoch; a running mean restarting every
 * epoch repeats the profile of its noise (ln |Δy| shrinks as 1/j within each cycle) and steps
 * at every restart. Each proposal is folded as a profile of the level (clipped z) and of the
 * noise (`bestShape`: an F test), and must reach `minShapeZ` (more below 8 cycles) and explain
 * `minExplained` of the variance. The shortest within `JUDGE.nearBest` of the strongest wins
 * and is divided down to its fundamental; a series reduced in blocks is divided again on every
 * point (97 points blurred by blocks of 31).
 *
 * Cost: O(n) per proposal folded; each fold is announced to the search's checkpoint first
 * (`WORK_UNITS`: a point binned by a shape fold is one unit).
 *
 * It judges every proposal in `search.judged` — the spike judge's and those
 * {@linkcode proposeShapes} adds — so it runs after `judgeTrains`, as `findPeriod` runs it.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { judgeShapes, proposeShapes } from "./judge_shapes.ts";
 * import { judgeTrains } from "./judge_trains.ts";
 * import { startSearch } from "./search.ts";
 * import { JUDGE } from "./tuning.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // a saw-tooth every 40 points (a running mean restarting), no spike
 * const z = Float64Array.from({ length: 1000 }, (_, i) => 2 * ((i % 40) / 40) - 1 + noise());
 * const finite = new Uint8Array(1000).fill(1);
 * const { eventThreshold, maxLogP, minHitShare, minShapeZ, minExplained } = JUDGE;
 * const settings = { eventThreshold, maxLogP, minHitShare, minShapeZ, minExplained };
 * const search = startSearch(z, finite, settings);
 * assertEquals(judgeTrains(search), null);
 * const shape = judgeShapes(search, proposeShapes(search, undefined, undefined), undefined);
 * assertEquals(shape?.kind, "shape");
 * assertAlmostEquals(shape?.period ?? 0, 40, 1e-3);
 * ```
 */
export function judgeShapes(
  search: Search,
  signals: ShapeSignals,
  values: Float64Array | undefined,
): Period | null {
  const { factor, settings } = search;
  const foldAt = (p: number) => bestShape(search.shape, signals.changes, search.blocksFinite, p);
  // The level and the noise profile, each a fold over the reduced signal.
  const shapeWork = 2 * WORK_UNITS.shapePoint * search.shape.length;
  for (const j of search.judged) {
    search.checkpoint(j.period / factor >= 2 ? shapeWork : 0);
    if (j.period / factor >= 2) j.shape = foldAt(j.period / factor);
  }
  const passes = (p: number, f: ShapeFold) =>
    f.z >= shapeBar(search, p) && f.explained >= settings.minExplained;
  const shaped = search.judged.filter((j) => j.shape && passes(j.period, j.shape));
  if (shaped.length === 0) return null;
  const strongest = Math.max(...shaped.map((j) => j.shape!.explained));
  const chosen = shaped
    .filter((j) => j.shape!.explained >= JUDGE.nearBest * strongest)
    .sort((a, b) => a.period - b.period)[0];
  // A profile folded at a multiple repeats within itself: divide down to the fundamental.
  const divided = shapeFundamental(
    chosen.period / factor,
    chosen.shape!,
    (p) => {
      search.checkpoint(shapeWork);
      return foldAt(p);
    },
    (p, f) => passes(p * factor, f),
  );
  const { period, fold } = factor > 1
    ? divideOnEveryPoint(search, divided.period * factor, divided.fold, values)
    : { period: divided.period, fold: divided.fold };
  return {
    period,
    phase: 0,
    kind: "shape",
    hits: Math.floor(search.n / period),
    cycles: Math.floor(search.n / period),
    logP: -0.5 * fold.z * fold.z,
    strength: fold.explained,
    matched: [],
    proposals: search.proposals.length,
    smoothness: profileCorrelation(fold.profile, 1),
  };
}

/**
 * Blocks of `factor` points blur a cycle shorter than a few blocks (97 points in blocks of 31):
 * found at a multiple, the profile is divided again on every point.
 */
function divideOnEveryPoint(
  search: Search,
  period: number,
  fold: ShapeFold,
  values: Float64Array | undefined,
): { period: number; fold: ShapeFold } {
  const fullWork = 2 * WORK_UNITS.shapePoint * search.n;
  search.checkpoint(fullWork);
  const full = reduceSignals(search.z, 1).shape;
  const fullChanges = noiseSignal(values ?? search.z, 1, search.finite);
  const foldFull = (p: number) => {
    search.checkpoint(fullWork);
    return bestShape(full, fullChanges, search.finite, p);
  };
  const atPeriod = foldFull(period);
  const significant = (p: number, f: ShapeFold) => f.z >= shapeBar(search, p);
  if (!significant(period, atPeriod)) return { period, fold };
  const fine = shapeFundamental(period, atPeriod, foldFull, significant);
  return fine.period < JUDGE.divided * period ? fine : { period, fold };
}
