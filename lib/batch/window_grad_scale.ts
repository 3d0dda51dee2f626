/**
 * The gradient-norm ratio of a whole accumulation window that ends an epoch (it holds the partial
 * batch, and possibly fewer than A micro-batches) against a normal window of A full micro-batches.
 *
 * With "loss of micro-batch j ÷ A" and a reduction of exponent k (see `reduction_scale.ts`), micro-
 * batch j contributes c_j/A times a full micro-batch's gradient, c_j = (n_j/B)^(1−k), and its mean
 * gradient carries noise of variance tr(Σ)/n_j (McCandlish et al. 2018, arXiv:1812.06162). Summing
 * independent micro-batches:
 *   E|g_window|² = |G|²·[(Σc_j/A)² + Σ(c_j/A)²·B_noise/n_j],   normal: |G|²·(1 + B_noise/(A·B)).
 * The ratio's square root is `combined`; `deterministic` = Σc_j/A is its B_noise = 0 value. With
 * A = 1 this is `gradScale`. Accumulation dilutes a bad micro-batch: SSD's double normalisation
 * (c = 4 for 8 of 32 samples) gives 4 without accumulation but (1+1+1+4)/4 = 1.75 with A = 4.
 * Cost O(A).
 *
 * @example
 * ```ts
 * windowGradScale({ microBatchSizes: [32, 32, 32, 8], accumulationSteps: 4, batchSize: 32,
 *   reduction: "per_item_then_batch_mean" }).deterministic; // 1.75
 * ```
 */
import { positiveInteger, type Reduction, reductionScale } from "./reduction_scale.ts";

/** The window's gradient-norm ratio: deterministic part, and combined with noise when known. */
export interface WindowGradScale {
  deterministic: number;
  /** With the noise of each micro-batch, or equal to `deterministic` when B_noise is unknown. */
  combined: number;
}

/** The gradient-norm ratio of an accumulation window of `microBatchSizes` against a full one. */
export function windowGradScale(options: {
  microBatchSizes: readonly number[];
  accumulationSteps: number;
  batchSize: number;
  reduction: Reduction | number;
  noiseScale?: number | null;
}): WindowGradScale {
  const a = positiveInteger(options.accumulationSteps, "accumulationSteps");
  const b = positiveInteger(options.batchSize, "batchSize");
  const sizes = options.microBatchSizes;
  if (sizes.length === 0 || sizes.length > a) {
    throw new RangeError(
      `a window holds 1 to accumulationSteps = ${a} micro-batches, found ${sizes.length}`,
    );
  }
  const factors = sizes.map((n) =>
    reductionScale({ batchSize: b, lastBatchSize: n, reduction: options.reduction })
  );
  const deterministic = factors.reduce((s, c) => s + c, 0) / a;
  const noise = options.noiseScale;
  if (noise == null) return { deterministic, combined: deterministic };
  if (!(noise >= 0)) throw new RangeError(`the noise scale must be ≥ 0, found ${noise}`);
  if (noise === Infinity) {
    // Pure noise: only the variances count; the |G|² terms vanish against B_noise.
    const variance = factors.reduce((s, c, j) => s + (c / a) ** 2 / sizes[j], 0);
    return { deterministic, combined: Math.sqrt(variance * a * b) };
  }
  const variance = factors.reduce((s, c, j) => s + (c / a) ** 2 * noise / sizes[j], 0);
  const normal = 1 + noise / (a * b);
  return { deterministic, combined: Math.sqrt((deterministic ** 2 + variance) / normal) };
}
