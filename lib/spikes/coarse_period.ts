import { median } from "simple-statistics";
import { findPeriod, type Period } from "../period/mod.ts";
import { robustResiduals } from "./residuals.ts";
import { PREPARE } from "./tuning.ts";

/**
 * Looks for a period in block medians of the series, for slow shapes the fine view misses.
 *
 * Why: the trend of the fine analysis follows about 25 points, so a slow repeating shape — an
 * LR warm restart that rises over 50 steps and decays over 1400, a new data shard every 2500
 * steps — is absorbed into the trend and leaves no residual to fold. The same analysis on the
 * medians of blocks of 8 and then 64 points sees such a shape at a tenth or a hundredth of the
 * length, where the trend's 25 points span whole stretches of it. The answer is mapped back to
 * points (period × b, phase × b + (b − 1)/2). Only tried when the fine view found nothing, and
 * only while at least 200 blocks remain.
 *
 * Cost: O(n) for the block medians plus the analysis of n/8 and n/64 points.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { coarsePeriod } from "./coarse_period.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // warm restarts every 300 steps over 6000: a slow decay the fine trend follows
 * const loss = Float64Array.from(
 *   { length: 6000 },
 *   (_, i) => (1 + Math.exp(-(i % 300) / 60)) * (1 + 0.01 * noise()),
 * );
 * assertAlmostEquals(coarsePeriod(loss)?.period ?? 0, 300, 0.5);
 * ```
 */
export function coarsePeriod(
  loss: Float64Array,
  blocks: readonly number[] = PREPARE.coarseBlocks,
  checkpoint?: (units: number) => void,
): Period | null {
  for (const size of blocks) {
    const count = Math.floor(loss.length / size);
    if (count < PREPARE.coarseMinBlocks) break;
    const coarse = new Float64Array(count);
    const finite: number[] = [];
    for (let b = 0; b < count; b++) {
      finite.length = 0;
      for (let i = b * size; i < (b + 1) * size; i++) {
        if (Number.isFinite(loss[i])) finite.push(loss[i]);
      }
      coarse[b] = finite.length > 0 ? median(finite) : NaN;
    }
    const residuals = robustResiduals(coarse);
    const found = findPeriod(residuals.z, residuals.finite, { checkpoint }, residuals.values);
    if (found) {
      const offset = (size - 1) / 2;
      return {
        ...found,
        period: found.period * size,
        phase: found.phase * size + offset,
        matched: found.matched.map((b) => Math.round(b * size + offset)),
      };
    }
  }
  return null;
}
