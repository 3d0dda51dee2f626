import type { Sampling } from "./grad_scale.ts";
import { positiveInteger, type Reduction, reductionScale } from "./reduction_scale.ts";
import { samplingNoise } from "./sampling_noise.ts";

/** The window's gradient-norm ratio: deterministic part, and combined with noise when known. */
export interface WindowGradScale {
  /** D = Σc_j/A: the ratio without gradient noise. */
  deterministic: number;
  /** With the noise of each micro-batch, or equal to `deterministic` when B_noise is unknown. */
  combined: number;
}

/**
 * The gradient-norm ratio of an accumulation window of `microBatchSizes` (the window that ends an
 * epoch: it holds the partial batch, and possibly fewer than A micro-batches) against a normal
 * window of A full micro-batches.
 *
 * With "loss of micro-batch j ÷ A" and a reduction of exponent k (see `reduction_scale.ts`), micro-
 * batch j contributes c_j/A times a full micro-batch's gradient, c_j = (n_j/B)^(1−k): each of its
 * n_j samples (on each of W ranks) carries the weight c_j/(A·W·n_j). The window's samples are
 * distinct draws from the N of the epoch, so (see `sampling_noise.ts`, McCandlish et al. 2018)
 *   E|g_window|² = |G|²·[D² + B_noise·N/(N−1)·(Σ_j (c_j/A)²/(W·n_j) − D²/N)],   D = Σc_j/A,
 * and a normal window (A full micro-batches, D = 1) has |G|²·[1 + B_noise·N/(N−1)·(1/(W·A·B) − 1/N)].
 * Without a data-set size the −1/N terms vanish (independent draws). The ratio's square root is
 * `combined`; `deterministic` = D is its B_noise = 0 value. With A = 1 this is `gradScale`. Accumulation dilutes a bad micro-batch: SSD's double normalisation
 * (c = 4 for 8 of 32 samples) gives 4 without accumulation but (1+1+1+4)/4 = 1.75 with A = 4.
 * Cost O(A).
 *
 * @throws {RangeError} for an empty window or one longer than A, sizes {@linkcode reductionScale}
 * refuses, or a noise scale < 0.
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { windowGradScale } from "./window_grad_scale.ts";
 * const window = {
 *   microBatchSizes: [32, 32, 32, 8], accumulationSteps: 4, batchSize: 32,
 *   reduction: "per_item_then_batch_mean",
 * } as const;
 * assertEquals(windowGradScale(window), { deterministic: 1.75, combined: 1.75 });
 * assertAlmostEquals(windowGradScale({ ...window, noiseScale: 29 }).combined, 2.3645, 1e-4);
 * ```
 */
export function windowGradScale(
  options: {
    microBatchSizes: readonly number[];
    accumulationSteps: number;
    batchSize: number;
    reduction: Reduction | number;
    noiseScale?: number | null;
  } & Sampling,
): WindowGradScale {
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
  const w = options.ranks ?? 1;
  const squares = factors.reduce((s, c, j) => s + (c / a) ** 2 / (w * sizes[j]), 0);
  let datasetSize = options.datasetSize;
  let normal = samplingNoise({
    sumOfWeights: 1,
    sumOfSquaredWeights: 1 / (w * a * b),
    datasetSize,
  });
  if (normal <= 0) {
    // a normal window would need the whole data set: compare with independent draws instead
    datasetSize = undefined;
    normal = 1 / (w * a * b);
  }
  const variance = samplingNoise({
    sumOfWeights: deterministic,
    sumOfSquaredWeights: squares,
    datasetSize,
  });
  // Pure noise: only the variances count; the |G|² terms vanish against B_noise.
  if (noise === Infinity) return { deterministic, combined: Math.sqrt(variance / normal) };
  return {
    deterministic,
    combined: Math.sqrt((deterministic ** 2 + noise * variance) / (1 + noise * normal)),
  };
}
