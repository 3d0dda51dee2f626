import { positiveInteger, type Reduction, reductionScale } from "./reduction_scale.ts";
import { meanSamplingNoise } from "./sampling_noise.ts";

/** The gradient-norm ratio and its parts. */
export interface GradScale {
  /** (r/B)^(1−k): what the reduction alone does to the gradient. */
  deterministic: number;
  /** √((1 + B_noise·φ(W·r))/(1 + B_noise·φ(W·B))), or null when B_noise is not given. */
  noise_factor: number | null;
  /** The noise factor of a pure-noise gradient, √(φ(W·r)/φ(W·B)): the largest it can be. */
  noise_factor_limit: number;
  /** deterministic × noise_factor (deterministic alone when B_noise is unknown). */
  combined: number;
  /** [deterministic, deterministic × noise_factor_limit]: the ratio for any B_noise ≥ 0. */
  range: [number, number];
}

/** How the batches are drawn: the data set they come from and the ranks a step averages. */
export interface Sampling {
  /** N, the samples of one epoch; omitted: independent draws (an infinite data set). */
  datasetSize?: number;
  /** W, the ranks whose gradients a step averages (default 1). */
  ranks?: number;
}

/**
 * φ(W·r) and φ(W·B): the noise terms of the last and of a full step (see {@linkcode gradScale});
 * the independent-draws terms 1/(W·r), 1/(W·B) when a full step would need the whole data set.
 * O(1).
 *
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { noiseTerms } from "./grad_scale.ts";
 * assertEquals(noiseTerms(32, 8), { last: 1 / 8, full: 1 / 32 });
 * const finite = noiseTerms(64, 36, { datasetSize: 100 });
 * assertAlmostEquals(finite.last, 64 / (36 * 99), 1e-12); // (N − b)/(b(N − 1))
 * assertAlmostEquals(finite.full, 36 / (64 * 99), 1e-12);
 * ```
 */
export function noiseTerms(
  batchSize: number,
  lastBatchSize: number,
  sampling: Sampling = {},
): { last: number; full: number } {
  const w = sampling.ranks ?? 1;
  const full = meanSamplingNoise(w * batchSize, sampling.datasetSize);
  if (full <= 0) return { last: 1 / (w * lastBatchSize), full: 1 / (w * batchSize) };
  return { last: meanSamplingNoise(w * lastBatchSize, sampling.datasetSize), full };
}

/**
 * The noise factor √((1 + B_noise·φ(W·r))/(1 + B_noise·φ(W·B))); B_noise = ∞ gives its limit
 * √(φ(W·r)/φ(W·B)). O(1).
 *
 * @throws {RangeError} for a noise scale that is not ≥ 0.
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { noiseFactor } from "./grad_scale.ts";
 * assertAlmostEquals(noiseFactor(32, 8, 29), 1.5576, 1e-4);
 * assertEquals(noiseFactor(32, 8, Infinity), 2); // √(32/8)
 * assertEquals(noiseFactor(32, 8, 0), 1);
 * ```
 */
export function noiseFactor(
  batchSize: number,
  lastBatchSize: number,
  noiseScale: number,
  sampling: Sampling = {},
): number {
  if (!(noiseScale >= 0)) {
    throw new RangeError(`the noise scale must be ≥ 0, found ${noiseScale}`);
  }
  const phi = noiseTerms(batchSize, lastBatchSize, sampling);
  if (noiseScale === Infinity) return Math.sqrt(phi.last / phi.full);
  return Math.sqrt((1 + noiseScale * phi.last) / (1 + noiseScale * phi.full));
}

/**
 * The expected gradient-norm ratio of a batch of `lastBatchSize` (the last batch) against one of
 * `batchSize` (a full one): the reduction's deterministic factor, times the extra noise of a
 * smaller batch when the noise scale is known.
 *
 * The gradient of a batch loss with exponent k (see `reduction_scale.ts`) is b^(1−k)·c·g_b, where
 * g_b = (1/b)Σ∇ℓᵢ is the mean per-sample gradient. McCandlish et al. 2018, "An Empirical Model of
 * Large-Batch Training" (arXiv:1812.06162, eq. 2.3 and appendix A) give, for b independent draws,
 * E|g_b|² = |G|²(1 + B_noise/b), B_noise = tr(Σ)/|G|² (the "simple noise scale"). An epoch draws
 * without replacement, so with N samples in the data set the noise term carries the
 * finite-population factor (see `sampling_noise.ts`):
 *   E|g_b|² = |G|²·(1 + B_noise·φ(b)),   φ(b) = (N − b)/(b(N − 1))   (φ(b) = 1/b when N = ∞).
 * With W ranks a step averages W·b samples, all distinct (the sampler partitions one permutation),
 * so φ is taken at W·b. The root-mean-square gradient norm of the last batch (r samples) over a
 * full one (B) is then
 *   grad_scale = (r/B)^(1−k) · √((1 + B_noise·φ(W·r)) / (1 + B_noise·φ(W·B))).
 * The noise factor lies between 1 (B_noise = 0) and √(φ(W·r)/φ(W·B)) (B_noise → ∞), which is
 * √(B/r) for N = ∞ and B/r when the full and the last batch split the data set between them
 * (N = 100, B = 64: 1.778, not 1.333; measured in torch 1.13, `tests/fixtures/torch/
 * grad_noise.json`). So when B_noise is unknown `range` brackets the answer and `combined` is the
 * deterministic factor alone. When a full step would need the whole data set (W·B ≥ N, φ(W·B) = 0)
 * there is no full batch to compare with, and the independent-draws factor is used. A ratio of RMS
 * norms, not the mean of a ratio; cost O(1).
 *
 * @throws {RangeError} for sizes that are not positive integers, r > B, or a noise scale < 0.
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { gradScale } from "./grad_scale.ts";
 * const g = gradScale({
 *   batchSize: 32, lastBatchSize: 8, reduction: "per_item_then_batch_mean", noiseScale: 29,
 * });
 * assertEquals([g.deterministic, g.noise_factor_limit, g.range], [4, 2, [4, 8]]);
 * assertAlmostEquals(g.noise_factor!, 1.5576, 1e-4);
 * assertAlmostEquals(g.combined, 6.2305, 1e-4);
 * // N = 100, B = 64: the last batch (36) is the full one's complement; noise-dominated, 64/36.
 * const complement = gradScale({
 *   batchSize: 64, lastBatchSize: 36, reduction: "mean", noiseScale: 1e9, datasetSize: 100,
 * });
 * assertAlmostEquals(complement.combined, 1.7778, 1e-4);
 * ```
 */
export function gradScale(
  options: {
    batchSize: number;
    lastBatchSize: number;
    reduction: Reduction | number;
    /** B_noise = tr(Σ)/|G|², in samples; omit (or null) when unknown. */
    noiseScale?: number | null;
  } & Sampling,
): GradScale {
  const deterministic = reductionScale(options);
  const batchSize = positiveInteger(options.batchSize, "batchSize");
  const lastBatchSize = options.lastBatchSize;
  const limit = noiseFactor(batchSize, lastBatchSize, Infinity, options);
  const noise = options.noiseScale == null
    ? null
    : noiseFactor(batchSize, lastBatchSize, options.noiseScale, options);
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
