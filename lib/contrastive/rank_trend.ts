import { sampleRankCorrelation } from "simple-statistics";
import { studentTwoSidedTail } from "../series/mod.ts";

/**
 * The fewest points a trend may be significant on: 5, the smallest n whose perfect rise is
 * significant at 1 % by exact permutation (1/5! = 0.0083; 1/4! = 0.042 is not).
 */
export const MIN_TREND_POINTS = 5;

/** A rank trend. */
export interface RankTrend {
  /** Spearman's ρ of value against step (0 when undefined, e.g. a constant series). */
  correlation: number;
  /** One-sided p-value of ρ > 0; 1 when fewer than 3 points or ρ is undefined. */
  p_value: number;
}

/**
 * Is a series rising with the step, and how surely? Spearman's rank correlation ρ of (step, value)
 * (simple-statistics) and its one-sided p-value for "rises", by the t approximation t = ρ·√((n −
 * 2)/(1 − ρ²)) with n − 2 degrees of freedom (the upper tail is half the two-sided tail of
 * lib/series for t ≥ 0): what scipy.stats.spearmanr(..., alternative="greater") returns. Ranks make
 * it robust to a runaway last point and blind to the size of the change (that is the growth ratio's
 * job). For very short series the approximation is optimistic (a perfect rise of 4 points gets p =
 * 0; its exact permutation p is 1/24), which is why a forecast also needs {@linkcode
 * MIN_TREND_POINTS} points. O(n log n).
 *
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { rankTrend } from "./rank_trend.ts";
 * const trend = rankTrend([0, 1, 2, 3, 4], [1, 2, 3, 5, 4]);
 * assertAlmostEquals(trend.correlation, 0.9, 1e-12);
 * assertAlmostEquals(trend.p_value, 0.018693, 1e-6); // scipy: 0.018693
 * assertEquals(rankTrend([0, 1], [1, 2]), { correlation: 0, p_value: 1 }); // too short
 * ```
 */
export function rankTrend(steps: readonly number[], values: readonly number[]): RankTrend {
  const n = values.length;
  if (n < 3 || steps.length !== n) return { correlation: 0, p_value: 1 };
  const rho = sampleRankCorrelation([...steps], [...values]);
  if (!Number.isFinite(rho)) return { correlation: 0, p_value: 1 };
  const t = rho >= 1
    ? Infinity
    : rho <= -1
    ? -Infinity
    : rho * Math.sqrt((n - 2) / (1 - rho * rho));
  const half = studentTwoSidedTail(t, n - 2) / 2;
  return { correlation: rho, p_value: t >= 0 ? half : 1 - half };
}
