import { noiseTerms, type Sampling } from "./grad_scale.ts";
import { positiveInteger, type Reduction, reductionScale } from "./reduction_scale.ts";

/**
 * The simple noise scale B_noise = tr(Σ)/|G|² (in samples) implied by a measured gradient-norm
 * ratio `gradRatio` between a batch of r samples and one of B (the r-batch's norm ÷ the
 * B-batch's): the inverse of `gradScale`'s noise factor.
 *
 * With q = (measured ratio ÷ (r/B)^(1−k))², the model of McCandlish et al. 2018 (arXiv:1812.06162)
 * says q = (1 + x·φ(r))/(1 + x·φ(B)), so x = (q − 1)/(φ(r) − q·φ(B)), with φ(b) = 1/b for
 * independent draws and (N − b)/(b(N − 1)) for batches drawn without replacement from N samples
 * (`datasetSize`, see `grad_scale.ts`). This is the two-batch-size estimator of their appendix A.1
 * written for a ratio of norms. Useful to calibrate B_noise on one run (e.g. a
 * sum-reduced run of a model) and predict another of the same model and data.
 *
 * Edge cases: q ≤ 1 (the small batch is no noisier) gives 0; q ≥ φ(r)/φ(B) (noisier than pure
 * noise allows) gives Infinity; r = B carries no information and throws RangeError, as does a ratio that
 * is not a positive finite number. Cost O(1).
 *
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { gradScale } from "./grad_scale.ts";
 * import { noiseScale } from "./noise_scale.ts";
 * const x = noiseScale({ batchSize: 32, lastBatchSize: 8, reduction: "sum", gradRatio: 0.3897 });
 * assertAlmostEquals(x, 29.14, 0.01);
 * // and back: B_noise = 29.14 predicts the measured ratio
 * const g = gradScale({ batchSize: 32, lastBatchSize: 8, reduction: "sum", noiseScale: x });
 * assertAlmostEquals(g.combined, 0.3897, 1e-9);
 * // A ratio below what the sum alone gives (0.25): no noise.
 * const sizes = { batchSize: 32, lastBatchSize: 8, reduction: "sum" } as const;
 * assertEquals(noiseScale({ ...sizes, gradRatio: 0.2 }), 0);
 * ```
 */
export function noiseScale(
  options: {
    batchSize: number;
    lastBatchSize: number;
    reduction: Reduction | number;
    gradRatio: number;
  } & Sampling,
): number {
  const batchSize = positiveInteger(options.batchSize, "batchSize");
  const lastBatchSize = positiveInteger(options.lastBatchSize, "lastBatchSize");
  if (lastBatchSize >= batchSize) {
    throw new RangeError(
      `lastBatchSize must be smaller than batchSize = ${batchSize} to tell the noise apart, ` +
        `found ${lastBatchSize}`,
    );
  }
  const { gradRatio } = options;
  if (!(gradRatio > 0 && Number.isFinite(gradRatio))) {
    throw new RangeError(`gradRatio must be a positive finite number, found ${gradRatio}`);
  }
  const q = (gradRatio / reductionScale(options)) ** 2;
  const phi = noiseTerms(batchSize, lastBatchSize, options);
  if (q <= 1) return 0;
  if (q >= phi.last / phi.full) return Infinity;
  return (q - 1) / (phi.last - q * phi.full);
}
