import { foldShape, type ShapeFold } from "./shape_fold.ts";

/**
 * A profile folded at a known period after removing the trend with a moving average of exactly
 * one period — the classical seasonal decomposition.
 *
 * Why: the robust residuals of the spike analysis are taken around a rolling median of 25
 * points, which follows any feature wider than that: a smooth profile repeating every epoch of
 * a thousand steps (the difficulty of data in a fixed order) is absorbed into that trend and
 * leaves nothing to fold. A centred mean over one whole period averages the repeating profile
 * away and keeps the slow trend, so the values minus it hold the profile (and the noise); the
 * F test of `foldShape` then says whether it repeats. Points within half a period of either end
 * (where the mean would be one-sided) and non-finite points are left out.
 *
 * Cost: O(n) (prefix sums), plus the fold.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { seasonalFold } from "./seasonal_fold.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // 7 epochs of 100 steps: a profile of two harmonics on a falling trend
 * const values = Float64Array.from({ length: 700 }, (_, i) =>
 *   5 - i / 200 + 0.3 * Math.sin((2 * Math.PI * i) / 100) + 0.2 * Math.sin((4 * Math.PI * i) / 100) +
 *   0.02 * noise()
 * );
 * const fold = seasonalFold(values, new Uint8Array(700).fill(1), 100);
 * assertEquals(fold.z > 6 && fold.explained > 0.9, true);
 * ```
 */
export function seasonalFold(values: Float64Array, finite: Uint8Array, period: number): ShapeFold {
  const n = values.length, width = Math.max(2, Math.round(period));
  const sums = new Float64Array(n + 1), counts = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    sums[i + 1] = sums[i] + (finite[i] ? values[i] : 0);
    counts[i + 1] = counts[i] + (finite[i] ? 1 : 0);
  }
  const half = Math.floor(width / 2);
  const detrended = new Float64Array(n), kept = new Uint8Array(n);
  for (let i = half; i + width - half <= n; i++) {
    const from = i - half, to = from + width;
    const count = counts[to] - counts[from];
    if (!finite[i] || count < width / 2) continue;
    detrended[i] = values[i] - (sums[to] - sums[from]) / count;
    kept[i] = 1;
  }
  return foldShape(detrended, kept, period);
}
