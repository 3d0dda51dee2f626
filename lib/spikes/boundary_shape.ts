import { mean, sumNthPowerDeviations } from "simple-statistics";
import { foldShape } from "../period/shape_fold.ts";
import type { BoundaryRatios } from "./boundary_ratios.ts";
import { LIST, LOCATE } from "./tuning.ts";

/** The boundary point a repeating shape stands out at. */
export interface BoundaryShape {
  /** The epoch's last point, or its first. */
  side: "last" | "first";
  /** Above the rest of the profile, or below. */
  direction: "up" | "down";
  /** The boundary bin's share of the profile's sum of squares around its mean. */
  share: number;
}

/**
 * The least share of the profile's variance in the boundary's bin (`LOCATE.boundaryShare`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { BOUNDARY_SHARE } from "./boundary_shape.ts";
 * assertEquals(BOUNDARY_SHARE > 0.25, true); // more than the data order put in one point
 * ```
 */
export const BOUNDARY_SHARE: number = LOCATE.boundaryShare;

/**
 * Whether a shape that repeats every epoch is one boundary point standing out of it.
 *
 * Why: logged as means of many steps (50 steps a point, 5 points an epoch), a spike of the
 * last or first batch is diluted into one point per epoch that is only a little high, too
 * little to be a spike at |z| ≥ 3 in most epochs — so it is found as a repeating shape, and
 * a shape that repeats with the epoch reads as unshuffled data. The two differ in where the
 * profile's variance sits: the data order spreads it over every point of the epoch (in the
 * generated cases no boundary point held more than a quarter of it), a boundary spike puts
 * most of it in the point holding the boundary — and, when it decays over a few logged points,
 * in the points after it that keep its sign. That point is the bin most of the epochs'
 * boundary points fall in.
 *
 * Cost: O(n + P) for the fold of P bins.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { boundaryRatios } from "./boundary_ratios.ts";
 * import { boundaryShape } from "./boundary_shape.ts";
 * import { robustResiduals } from "./residuals.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // 10 epochs of 157 steps (5000 samples in batches of 32): a falling loss with 1 % noise,
 * // 4× at the last step of every epoch (a loss normalised twice, on a last batch of 8)
 * const loss = Float64Array.from(
 *   { length: 1570 },
 *   (_, i) => (2 * Math.exp(-i / 600) + 0.3) * (1 + 0.02 * noise()) * (i % 157 === 156 ? 4 : 1),
 * );
 * const { z, finite } = robustResiduals(loss);
 * const last = boundaryRatios(loss, z, (i) => i, 157, 156);
 * const first = boundaryRatios(loss, z, (i) => i, 157, 0);
 * const shape = boundaryShape(z, finite, 157, last, first);
 * assertEquals([shape?.side, shape?.direction, (shape?.share ?? 0) > 0.9], ["last", "up", true]);
 * ```
 */
export function boundaryShape(
  z: Float64Array,
  finite: Uint8Array,
  epochPoints: number,
  last: BoundaryRatios,
  first: BoundaryRatios,
): BoundaryShape | null {
  if (!(epochPoints >= 2)) return null;
  const { profile } = foldShape(z, finite, epochPoints);
  const bins = profile as unknown as number[];
  const centre = mean(bins), total = sumNthPowerDeviations(bins, 2);
  if (!(total > 0)) return null;
  let best: BoundaryShape | null = null;
  for (const [side, ratios] of [["last", last], ["first", first]] as const) {
    const bin = commonBin(ratios.indices, epochPoints, profile.length);
    if (bin < 0) continue;
    const share = decayShare(profile, bin, centre) / total;
    if (share >= BOUNDARY_SHARE && (!best || share > best.share)) {
      best = { side, direction: profile[bin] >= centre ? "up" : "down", share };
    }
  }
  return best;
}

/**
 * The sum of squares of the boundary's bin and of the bins after it that keep its sign, up to
 * the momentum tail (`LIST`: 10 % of the cycle, 2 to 30 bins): a spike that decays over a few
 * logged points is still one boundary's spike.
 */
function decayShare(profile: Float64Array, bin: number, centre: number): number {
  const bins = profile.length;
  const tail = Math.min(LIST.tailMax, Math.max(LIST.tailMin, LIST.tailShare * bins));
  const sign = Math.sign(profile[bin] - centre);
  let sum = 0;
  for (let j = 0; j < Math.min(tail, bins - 1); j++) {
    const d = profile[(bin + j) % bins] - centre;
    if (j > 0 && Math.sign(d) !== sign) break;
    sum += d * d;
  }
  return sum;
}

/** The bin most of the indices fall in when folded at `period` (−1 when there are none). */
function commonBin(indices: number[], period: number, bins: number): number {
  const counts = new Float64Array(bins);
  for (const i of indices) counts[Math.min(bins - 1, Math.floor(i % period))]++;
  let bin = -1;
  for (let b = 0; b < bins; b++) if (counts[b] > 0 && (bin < 0 || counts[b] > counts[bin])) bin = b;
  return bin;
}
