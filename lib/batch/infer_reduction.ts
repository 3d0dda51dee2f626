import {
  positiveInteger,
  type Reduction,
  REDUCTION_EXPONENT,
  REDUCTIONS,
} from "./reduction_scale.ts";

/** What the measured ratio says about the reduction. */
export interface InferredReduction {
  /** The exponent k the measured ratio implies. */
  k: number;
  /** How far k moves when the ratio is off by ±ratioUncertainty. */
  k_uncertainty: number;
  /** The named reduction nearest to k (`sum` for k near 0). */
  nearest: Reduction;
  /** |k − k(nearest)|. */
  distance: number;
  /** `nearest` when it is within tolerance and k is well determined, else null. */
  inferred: Reduction | null;
  /** Every named reduction with the nearest k (`sum` and `fixed_divisor` share k = 0). */
  candidates: Reduction[];
  /** The ratio `nearest` predicts, (r/B)^(1−k). */
  predicted_ratio: number;
}

/**
 * Which loss reduction explains a measured last-batch loss ratio: k = 1 + ln(ratio)/ln(B/r), and
 * the named reduction nearest to it; null when r = B.
 *
 * Inverts `reduction_scale.ts`: the model says ratio = (r/B)^(1−k), so k = 1 − ln(ratio)/ln(r/B)
 * = 1 + ln(ratio)/ln(B/r). The nearest named reduction (k = 0 `sum`/`fixed_divisor`, 1 `mean`,
 * 2 `per_item_then_batch_mean`) is `inferred` when it lies within `tolerance` (default 0.35, less
 * than half the gap of 1 between named k) and the measurement can tell them apart: a ratio known to
 * ±`ratioUncertainty` (default 15 %, the spread of the per-epoch ratios of a real run) moves k by
 * ±ln(1 + u)/ln(B/r), and when that exceeds 0.5 the last batch is too close to a full one to say.
 * A sum and a fixed divisor have the same k: the answer names `sum` and lists both as candidates.
 * Returns null when r = B (every reduction predicts 1: no information). Cost O(1).
 *
 * @throws {RangeError} for sizes that are not positive integers, r > B, a ratio that is not a
 * positive finite number, or a negative tolerance or uncertainty.
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { inferReduction } from "./infer_reduction.ts";
 * const x = inferReduction({ measuredRatio: 4.03, batchSize: 32, lastBatchSize: 8 });
 * assertEquals(x?.inferred, "per_item_then_batch_mean");
 * assertAlmostEquals(x!.k, 2.005, 1e-3);
 * assertEquals(x?.predicted_ratio, 4);
 * // A sum and a fixed divisor share k = 0:
 * assertEquals(
 *   inferReduction({ measuredRatio: 0.25, batchSize: 32, lastBatchSize: 8 })?.candidates,
 *   ["sum", "fixed_divisor"],
 * );
 * assertEquals(inferReduction({ measuredRatio: 4, batchSize: 32, lastBatchSize: 32 }), null);
 * ```
 */
export function inferReduction(options: {
  measuredRatio: number;
  batchSize: number;
  lastBatchSize: number;
  tolerance?: number;
  ratioUncertainty?: number;
}): InferredReduction | null {
  const { measuredRatio } = options;
  const batchSize = positiveInteger(options.batchSize, "batchSize");
  const lastBatchSize = positiveInteger(options.lastBatchSize, "lastBatchSize");
  const tolerance = options.tolerance ?? 0.35;
  const uncertainty = options.ratioUncertainty ?? 0.15;
  if (!(measuredRatio > 0 && Number.isFinite(measuredRatio))) {
    throw new RangeError(`measuredRatio must be a positive finite number, found ${measuredRatio}`);
  }
  if (lastBatchSize > batchSize) {
    throw new RangeError(
      `lastBatchSize must be at most batchSize = ${batchSize}, found ${lastBatchSize}`,
    );
  }
  if (!(tolerance >= 0) || !(uncertainty >= 0)) {
    throw new RangeError(
      `tolerance and ratioUncertainty must be ≥ 0, found ${tolerance} and ${uncertainty}`,
    );
  }
  if (lastBatchSize === batchSize) return null;

  const logSize = Math.log(batchSize / lastBatchSize);
  const k = 1 + Math.log(measuredRatio) / logSize;
  const kUncertainty = Math.log1p(uncertainty) / logSize;
  let nearest: Reduction = "mean";
  for (const name of REDUCTIONS) {
    if (Math.abs(k - REDUCTION_EXPONENT[name]) < Math.abs(k - REDUCTION_EXPONENT[nearest])) {
      nearest = name;
    }
  }
  const kNearest = REDUCTION_EXPONENT[nearest];
  const distance = Math.abs(k - kNearest);
  return {
    k,
    k_uncertainty: kUncertainty,
    nearest,
    distance,
    inferred: distance <= tolerance && kUncertainty <= 0.5 ? nearest : null,
    candidates: REDUCTIONS.filter((name) => REDUCTION_EXPONENT[name] === kNearest),
    predicted_ratio: (lastBatchSize / batchSize) ** (1 - kNearest),
  };
}
