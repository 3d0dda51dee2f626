/**
 * The noise term of a gradient built from samples drawn without replacement from a finite data
 * set: what an epoch of a shuffled DataLoader (or a DistributedSampler) does. Returns
 * N/(N−1)·(Σw² − (Σw)²/N), or Σw² when `datasetSize` is omitted or infinite; never below 0.
 *
 * Let the data set hold N samples with per-sample gradients xᵢ, mean G and population covariance
 * Σ = (1/N)Σᵢ(xᵢ − G)(xᵢ − G)ᵀ, and B_noise = tr(Σ)/|G|² (McCandlish et al. 2018,
 * arXiv:1812.06162). A batch gradient is g = Σₛ wₛ x_{π(s)}: fixed weights w over the slots of a
 * uniformly random selection π of distinct samples (the batch of a random permutation). Then
 *   E g = (Σw)·G,   Cov g = Σ · N/(N−1) · (Σw² − (Σw)²/N)
 * (Cochran, "Sampling Techniques", 3rd ed., 1977, §2.6: Var(x̄) = S²/n·(1 − n/N), S² = NΣ/(N−1),
 * written for arbitrary weights; the cross terms Cov(xᵢ, xⱼ) = −Σ/(N−1) of distinct draws give the
 * −(Σw)²/N). So
 *   E|g|² = |G|²·[(Σw)² + B_noise·N/(N−1)·(Σw² − (Σw)²/N)].
 * A mean over b samples (wₛ = 1/b) gives |G|²·(1 + B_noise·(N−b)/(b(N−1))): the familiar
 * finite-population factor (N−b)/(N−1) on the independent-draws term B_noise/b. It is ≈ 1 when
 * b ≪ N and decisive when a batch is a large part of the data: the last batch of N = 100, B = 64
 * (r = 36) is the complement of the full one, so with the noise dominating its gradient norm is
 * exactly 64/36 = 1.778 a full batch's, where independent draws predict √(64/36) = 1.333 (measured
 * in torch: `tests/fixtures/torch/grad_noise.json`). Without a data-set size (N = ∞) the
 * correction vanishes. O(1).
 *
 * @throws {RangeError} for a data-set size below 1.
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { samplingNoise } from "./sampling_noise.ts";
 * // A mean over 64 of N = 100 samples: (N − b)/(b(N − 1)) = 36/(64·99)
 * const finite = samplingNoise({ sumOfWeights: 1, sumOfSquaredWeights: 1 / 64, datasetSize: 100 });
 * assertAlmostEquals(finite, 36 / (64 * 99), 1e-15);
 * assertEquals(samplingNoise({ sumOfWeights: 1, sumOfSquaredWeights: 1 / 64 }), 1 / 64);
 * ```
 */
export function samplingNoise(options: {
  sumOfWeights: number;
  sumOfSquaredWeights: number;
  datasetSize?: number;
}): number {
  const { sumOfWeights: s, sumOfSquaredWeights: s2 } = options;
  const n = options.datasetSize ?? Infinity;
  if (!(n >= 1)) throw new RangeError(`datasetSize must be at least 1, found ${n}`);
  if (n === Infinity) return s2;
  if (n === 1) return 0; // a data set of one sample has no noise to draw
  return Math.max(0, (n / (n - 1)) * (s2 - (s * s) / n));
}

/**
 * The noise term of a plain mean over `samples` distinct samples: (N − b)/(b(N − 1)), or 1/b
 * without a data-set size. O(1).
 *
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { meanSamplingNoise } from "./sampling_noise.ts";
 * assertAlmostEquals(meanSamplingNoise(64, 100), 36 / (64 * 99), 1e-15);
 * assertEquals(meanSamplingNoise(64), 1 / 64);
 * assertEquals(meanSamplingNoise(100, 100), 0); // the whole data set: no noise
 * ```
 */
export function meanSamplingNoise(samples: number, datasetSize?: number): number {
  return samplingNoise({ sumOfWeights: 1, sumOfSquaredWeights: 1 / samples, datasetSize });
}
