import { linearRegression, mean } from "simple-statistics";
import { studentTwoSidedTail } from "../series/mod.ts";
import type { SideSeries } from "./types.ts";

/**
 * The tuning of the test, each with why.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { EVAL_TREND } from "./eval_trend.ts";
 * assertEquals(EVAL_TREND.alpha, 0.05);
 * ```
 */
export const EVAL_TREND = {
  /** Evaluations after the best needed for a slope with a residual (2 points fit any line). */
  minAfterBest: 3,
  /** One-sided level of the slope test: one false alarm in 20 flat runs is the usual bar. */
  alpha: 0.05,
} as const;

/** The eval loss after its best point. */
export interface EvalTrend {
  /** The step of the lowest eval loss. */
  bestStep: number;
  /** The lowest eval loss. */
  best: number;
  /** The step of the last evaluation. */
  lastStep: number;
  /** The last eval loss. */
  last: number;
  /** Finite evaluations after the best one. */
  after: number;
  /** One-sided p of the upward slope after the best (1 when untestable). */
  p: number;
  /** Whether the eval loss rises significantly after its best point. */
  rising: boolean;
}

/**
 * Does the eval loss rise after its best point? The test the `overfitting` finding rests on, and
 * what turns the severity of an expected pattern (the epoch-start drop of a small-data fine-tune)
 * up: memorising is harmless until the eval loss pays for it.
 *
 * The evaluations after the lowest one are tested for an upward trend by the t test of their
 * least-squares slope against the step (one-sided), with the noise measured from their own
 * scatter around the line — no fixed share of the best value, since an eval loss may be noisy at
 * 10 % or smooth at 0.1 %. The lowest point itself is left out of the fit: every point after a
 * minimum lies above it, so including it would tilt the slope upward even in pure noise.
 *
 * Cost: O(m) for m evaluations. Returns null with fewer than 2 finite evaluations.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { evalLossTrend } from "./eval_trend.ts";
 * const evalLoss = {
 *   steps: Float64Array.of(1000, 2000, 3000, 4000, 5000),
 *   values: Float64Array.of(0.307, 0.356, 0.421, 0.452, 0.468),
 * };
 * const trend = evalLossTrend(evalLoss);
 * assertEquals([trend?.bestStep, trend?.after, trend?.rising], [1000, 4, true]);
 * assertEquals((trend?.p ?? 1) < 0.05, true); // ≈ 0.02
 * ```
 */
export function evalLossTrend(evalLoss: SideSeries | undefined): EvalTrend | null {
  if (!evalLoss) return null;
  const points: [number, number][] = [];
  for (let i = 0; i < evalLoss.values.length; i++) {
    if (Number.isFinite(evalLoss.values[i])) points.push([evalLoss.steps[i], evalLoss.values[i]]);
  }
  if (points.length < 2) return null;
  let bestAt = 0;
  for (let i = 1; i < points.length; i++) if (points[i][1] < points[bestAt][1]) bestAt = i;
  const after = points.slice(bestAt + 1);
  const p = after.length >= EVAL_TREND.minAfterBest ? slopeTail(after) : 1;
  const last = points[points.length - 1];
  return {
    bestStep: points[bestAt][0],
    best: points[bestAt][1],
    lastStep: last[0],
    last: last[1],
    after: after.length,
    p,
    rising: p <= EVAL_TREND.alpha && last[1] > points[bestAt][1],
  };
}

/** One-sided p that the slope of y on x is positive (t test, n − 2 degrees of freedom). */
function slopeTail(points: [number, number][]): number {
  const { m, b } = linearRegression(points);
  const xs = points.map(([x]) => x), xBar = mean(xs);
  let sxx = 0, sse = 0;
  for (const [x, y] of points) {
    sxx += (x - xBar) ** 2;
    sse += (y - (m * x + b)) ** 2;
  }
  if (!(sxx > 0)) return 1;
  const se = Math.sqrt(sse / (points.length - 2) / sxx);
  const t = se > 0 ? m / se : m > 0 ? Infinity : -Infinity;
  const two = studentTwoSidedTail(t, points.length - 2);
  return t > 0 ? two / 2 : 1 - two / 2;
}
