import { median } from "simple-statistics";
import type { Residuals } from "./residuals.ts";
import { EXPLAIN } from "./tuning.ts";

/** One stretch where the loss exploded. */
export interface Excursion {
  /** First and last point (indices) of the stretch. */
  from: number;
  /** Its last point (index). */
  to: number;
  /** The level before it (the lowest the trend had reached), in the loss's units. */
  level: number;
  /** The largest finite loss among its exploded points (NaN when none is finite). */
  peak: number;
  /** Non-finite points among them. */
  nonFinite: number;
  /** Points of the stretch that exploded. */
  points: number;
  /** The median loss after it (up to the next excursion or the end; NaN when none). */
  after: number;
  /** Whether the loss is back near its level after it (after this one or a later one). */
  recovered: boolean;
}

/**
 * Where the loss explodes — ten times the lowest level it had reached, or not finite — and
 * whether it comes back.
 *
 * Why: a run that blows up and stays up (or NaN) is lost; one that blows up and recovers was
 * unstable and may do it again. Both are measured against "its level": the lowest the trend
 * (the rolling median, which no spike moves, and never below the loss at that point: the median
 * at the start of a steep descent holds the points after it) had reached before, so that a blow-up that builds
 * over many steps is still measured from where it started. A point explodes when the loss is
 * `EXPLAIN.explodeFactor` times that level or more and `EXPLAIN.explodeZ` noise scales above it
 * in ln(loss) (beyond the run's own scatter), or when it is NaN or infinite. Exploded points at
 * most `EXPLAIN.excursionGap` apart are one excursion, which must hold
 * `EXPLAIN.minExcursionPoints` of them — one point alone is one bad batch, or one step a
 * GradScaler skipped — unless the run ends in it or never comes back from it, or it is
 * `EXPLAIN.numericBlowUp` times its level (the numerics, not a batch). An excursion has recovered when, after it, the
 * loss is back within `EXPLAIN.recoveredFactor` of its level — the median of a stretch between
 * two excursions (or after the last), so a noisy recovery still counts — and has not when the run
 * ends in it or never comes back that far. Series that are not all positive have no ratio to
 * their level: only their non-finite points count.
 *
 * Cost: O(n), plus a median per excursion.
 *
 * `rows`, for a series put on a grid of steps: the row of each point (−1: a gap, not data).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { excursions } from "./excursions.ts";
 * import { robustResiduals } from "./residuals.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // a falling loss for 80 points, then 8, 40 and NaN to the end: one excursion, not recovered
 * const loss = Float64Array.from(
 *   { length: 100 },
 *   (_, i) => i < 80 ? 1 / (1 + i / 10) + 0.01 * noise() : i === 80 ? 8 : i === 81 ? 40 : NaN,
 * );
 * const [excursion] = excursions(loss, robustResiduals(loss));
 * assertEquals([excursion.from, excursion.to, excursion.peak], [80, 99, 40]);
 * assertEquals([excursion.nonFinite, excursion.recovered], [18, false]);
 * ```
 */
export function excursions(
  loss: Float64Array,
  residuals: Residuals,
  rows?: Int32Array,
): Excursion[] {
  const exploded = explodedPoints(loss, residuals, rows);
  let lastFinite = loss.length - 1;
  while (lastFinite >= 0 && !residuals.finite[lastFinite]) lastFinite--;
  const groups: Excursion[] = [];
  for (let k = 0; k < exploded.length; k++) {
    const start = k;
    while (
      k + 1 < exploded.length && exploded[k + 1].from - exploded[k].from <= EXPLAIN.excursionGap
    ) k++;
    groups.push(describe(loss, exploded.slice(start, k + 1), rows));
  }
  // One point alone is one bad batch or one skipped step (`isolated-spikes` and
  // `non-finite-loss` name it) — unless the run ends in it or does not come back from it (the
  // points right after it stay up), or it is two orders of magnitude above its level (no batch
  // of data does that; the numerics do).
  const kept = groups.filter((x, k) =>
    x.points >= EXPLAIN.minExcursionPoints || x.to >= lastFinite ||
    x.peak >= EXPLAIN.numericBlowUp * x.level ||
    !backSoon(loss, x, groups[k + 1]?.from ?? loss.length)
  );
  settle(loss, kept);
  return kept;
}

/**
 * Whether a one-point excursion comes back: the median of the finite points after it, up to the
 * next excursion and at most `EXPLAIN.backPoints` of them (a spike's decaying tail included),
 * is back near its level.
 */
function backSoon(loss: Float64Array, x: Excursion, next: number): boolean {
  if (Number.isNaN(x.level)) return true;
  // A lone NaN among ordinary values (the common case, and thousands of them): the next finite
  // point is back, so the median is.
  let i = x.to + 1;
  while (i < next && !Number.isFinite(loss[i])) i++;
  if (Number.isNaN(x.peak) && i < next && loss[i] <= EXPLAIN.recoveredFactor * x.level) return true;
  const after: number[] = [];
  for (let i = x.to + 1; i < next && after.length < EXPLAIN.backPoints; i++) {
    if (Number.isFinite(loss[i])) after.push(loss[i]);
  }
  return after.length > 0 && median(after) <= EXPLAIN.recoveredFactor * x.level;
}

/**
 * Whether each excursion comes back near its level at any later time: the lowest median of
 * the stretches between it and the next one, or the run's end, after it.
 */
function settle(loss: Float64Array, found: Excursion[]): void {
  let best = NaN;
  for (let k = found.length - 1; k >= 0; k--) {
    const end = k + 1 < found.length ? found[k + 1].from : loss.length;
    const after = medianAfter(loss, found[k].to + 1, end);
    found[k].after = after;
    if (!Number.isNaN(after) && !(best <= after)) best = after;
    found[k].recovered = !Number.isNaN(best) &&
      (Number.isNaN(found[k].level) || best <= EXPLAIN.recoveredFactor * found[k].level);
  }
}

/** Every point that explodes, with the level before it. */
function explodedPoints(
  loss: Float64Array,
  residuals: Residuals,
  rows?: Int32Array,
): { from: number; level: number }[] {
  const { trend, finite, domain, values } = residuals;
  const ratio = domain === "log";
  // Ten times the level, and beyond the run's own scatter (a single-batch loss near 0.05 that
  // scatters over 0.002–0.3 reaches 10× its lowest level by chance).
  const jump = Math.max(Math.log(EXPLAIN.explodeFactor), EXPLAIN.explodeZ * residuals.scatter);
  const points: { from: number; level: number }[] = [];
  let lowest = Infinity;
  for (let i = 0; i < loss.length; i++) {
    if (!finite[i]) {
      if (rows && rows[i] < 0) continue;
      if (Number.isFinite(lowest) || !ratio) points.push({ from: i, level: expOf(lowest, ratio) });
      continue;
    }
    if (ratio && Number.isFinite(lowest) && values[i] - lowest >= jump) {
      points.push({ from: i, level: Math.exp(lowest) });
    }
    // A level the loss itself has been at: the trend, never below the point (a rolling median
    // at the start of a steep descent already holds the points after it, ten times lower).
    const level = Math.max(trend[i], values[i]);
    if (level < lowest) lowest = level;
  }
  return points;
}

function expOf(lowest: number, ratio: boolean): number {
  return ratio && Number.isFinite(lowest) ? Math.exp(lowest) : NaN;
}

function describe(
  loss: Float64Array,
  points: { from: number; level: number }[],
  rows?: Int32Array,
): Excursion {
  let peak = -Infinity, nonFinite = 0;
  for (const { from: i } of points) {
    if (Number.isFinite(loss[i])) peak = Math.max(peak, loss[i]);
    else if (!rows || rows[i] >= 0) nonFinite++;
  }
  return {
    from: points[0].from,
    to: points[points.length - 1].from,
    level: points[0].level,
    peak: peak > -Infinity ? peak : NaN,
    nonFinite,
    points: points.length,
    after: NaN,
    recovered: false,
  };
}

/** The median of the finite loss in [from, end) (NaN when there is none). */
function medianAfter(loss: Float64Array, from: number, end: number): number {
  const after: number[] = [];
  for (let i = from; i < end; i++) if (Number.isFinite(loss[i])) after.push(loss[i]);
  return after.length > 0 ? median(after) : NaN;
}
