/**
 * The expected gradient-norm ratio of the last batch against a full one: the reduction's
 * deterministic factor, times the extra noise of a smaller batch when the noise scale is known.
 *
 * The gradient of a batch loss with exponent k (see `reduction_scale.ts`) is b^(1−k)·c·g_b, where
 * g_b = (1/b)Σ∇ℓᵢ is the mean per-sample gradient. McCandlish et al. 2018, "An Empirical Model of
 * Large-Batch Training" (arXiv:1812.06162, eq. 2.3 and appendix A) give
 *   E|g_b|² = |G|² + tr(Σ)/b = |G|²·(1 + B_noise/b),   B_noise = tr(Σ)/|G|² (the "simple noise
 * scale"), G the true gradient and Σ the per-sample gradient covariance. So the root-mean-square
 * gradient norm of the last batch (r samples) over a full one (B samples) is
 *   grad_scale = (r/B)^(1−k) · √((1 + B_noise/r) / (1 + B_noise/B)).
 * The noise factor lies between 1 (B_noise = 0: no noise) and √(B/r) (B_noise → ∞: pure noise),
 * so when B_noise is unknown `range` brackets the answer and `combined` is the deterministic
 * factor alone. A ratio of RMS norms, not the mean of a ratio; cost O(1).
 *
 * @example
 * ```ts
 * gradScale({
 *   batchSize: 32, lastBatchSize: 8, reduction: "per_item_then_batch_mean", noiseScale: 29,
 * });
 * // { deterministic: 4, noise_factor: 1.56…, combined: 6.23…, range: [4, 8], … }
 * ```
 */
import { positiveInteger, type Reduction, reductionScale } from "./reduction_scale.ts";

/** The gradient-norm ratio and its parts. */
export interface GradScale {
  /** (r/B)^(1−k): what the reduction alone does to the gradient. */
  deterministic: number;
  /** √((1 + B_noise/r)/(1 + B_noise/B)), or null when B_noise is not given. */
  noise_factor: number | null;
  /** The noise factor of a pure-noise gradient, √(B/r): the largest it can be. */
  noise_factor_limit: number;
  /** deterministic × noise_factor (deterministic alone when B_noise is unknown). */
  combined: number;
  /** [deterministic, deterministic × √(B/r)]: where the ratio lies for any B_noise ≥ 0. */
  range: [number, number];
}

/** The noise factor √((1 + B_noise/r)/(1 + B_noise/B)); B_noise = ∞ gives √(B/r). */
export function noiseFactor(batchSize: number, lastBatchSize: number, noiseScale: number): number {
  if (!(noiseScale >= 0)) {
    throw new RangeError(`the noise scale must be ≥ 0, found ${noiseScale}`);
  }
  if (noiseScale === Infinity) return Math.sqrt(batchSize / lastBatchSize);
  return Math.sqrt((1 + noiseScale / lastBatchSize) / (1 + noiseScale / batchSize));
}

/** The expected gradient-norm ratio of a batch of `lastBatchSize` against one of `batchSize`. */
export function gradScale(options: {
  batchSize: number;
  lastBatchSize: number;
  reduction: Reduction | number;
  /** B_noise = tr(Σ)/|G|², in samples; omit (or null) when unknown. */
  noiseScale?: number | null;
}): GradScale {
  const deterministic = reductionScale(options);
  const batchSize = positiveInteger(options.batchSize, "batchSize");
  const lastBatchSize = options.lastBatchSize;
  const limit = Math.sqrt(batchSize / lastBatchSize);
  const noise = options.noiseScale == null
    ? null
    : noiseFactor(batchSize, lastBatchSize, options.noiseScale);
  const low = deterministic;
  const high = deterministic * limit;
  return {
    deterministic,
    noise_factor: noise,
    noise_factor_limit: limit,
    combined: deterministic * (noise ?? 1),
    range: [Math.min(low, high), Math.max(low, high)],
  };
}
