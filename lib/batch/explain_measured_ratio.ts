import { epochLayout } from "./epoch_layout.ts";
import { inferReduction } from "./infer_reduction.ts";
import { type RatioSignificance, ratioSignificance } from "./ratio_significance.ts";
import { type Reduction, REDUCTION_EXPONENT, REDUCTIONS } from "./reduction_scale.ts";

/** The explanation of a measured ratio. */
export interface MeasuredRatioExplanation {
  /** The named reduction the ratio points to, or null (full last batch, or no reduction fits). */
  inferred_reduction: Reduction | null;
  /** The exponent k implied by the ratio, null when the last batch is full. */
  k: number | null;
  /** The ratio the inferred reduction predicts (1 when the last batch is full), else null. */
  predicted_ratio: number | null;
  /** The ratio given. */
  measured_ratio: number;
  /** The last batch's size in this layout. */
  last_batch_size: number;
  /** Batches per epoch in this layout. */
  steps_per_epoch: number;
  /** The batch size given. */
  batch_size: number;
  /** Whether a named reduction predicts the measured ratio (within the uncertainty). */
  explains_measurement: boolean;
  /** What each named reduction predicts for this layout. */
  predicted_ratios: Record<Reduction, number>;
  /**
   * The test of the per-epoch ratios (when given): a reduction is inferred only when they are
   * significantly away from 1 and consistent; else the ratio is noise.
   */
  significance: RatioSignificance | null;
}

/**
 * Explains a measured last-batch loss ratio from the dataset size and batch size: closes the loop
 * between a measured per-epoch spike (or dip) and the configuration, naming the reduction that
 * explains the ratio and what that reduction predicts. Called by the spikes analysis for its
 * `last-batch-spike` / `last-batch-dip` evidence.
 *
 * Lays out the epoch (`epoch_layout.ts`), then inverts the reduction model (`infer_reduction.ts`).
 * When the last batch is full (N a multiple of B, or `drop_last`) every reduction predicts a ratio
 * of 1: `inferred_reduction` and `k` are null, and `explains_measurement` says whether the
 * measurement is indeed ≈ 1 (within ±ratioUncertainty); a spike there has another cause. Given the
 * per-epoch ratios (`epochRatios`), a reduction is inferred only when they are significantly away
 * from 1 and consistent ({@linkcode ratioSignificance}): a median of 1.26 over epochs ranging
 * 0.60–2.10 is noise, not `per_item_then_batch_mean`. Cost O(1), O(epochs) with the ratios.
 *
 * @throws {RangeError} for a ratio that is not a positive finite number, or sizes
 * {@linkcode epochLayout} refuses.
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { explainMeasuredRatio } from "./explain_measured_ratio.ts";
 * // The Keras-SSD report: 5000 samples in batches of 32, a last batch of 8 with 4.03× the loss.
 * const x = explainMeasuredRatio({
 *   datasetSize: 5000, batchSize: 32, dropLast: false, measuredRatio: 4.03,
 * });
 * assertEquals(x.inferred_reduction, "per_item_then_batch_mean");
 * assertAlmostEquals(x.k!, 2.005, 1e-3);
 * assertEquals([x.predicted_ratio, x.last_batch_size, x.steps_per_epoch], [4, 8, 157]);
 * // A median of 1.26 over epochs from 0.6 to 2.1 is noise: no reduction named.
 * const noisy = explainMeasuredRatio({
 *   datasetSize: 5000, batchSize: 32, measuredRatio: 1.26,
 *   epochRatios: [0.6, 1.3, 2.1, 0.9, 1.26, 1.8, 0.7, 1.5],
 * });
 * assertEquals(noisy.inferred_reduction, null);
 * ```
 */
export function explainMeasuredRatio(options: {
  datasetSize: number;
  batchSize: number;
  dropLast?: boolean;
  measuredRatio: number;
  worldSize?: number;
  ratioUncertainty?: number;
  /** The ratio of every epoch: when given, a reduction needs them significantly away from 1. */
  epochRatios?: readonly number[];
}): MeasuredRatioExplanation {
  const { batchSize, measuredRatio } = options;
  if (!(measuredRatio > 0 && Number.isFinite(measuredRatio))) {
    throw new RangeError(`measuredRatio must be a positive finite number, found ${measuredRatio}`);
  }
  const layout = epochLayout(options);
  const r = layout.last_batch_size;
  const uncertainty = options.ratioUncertainty ?? 0.15;
  const predicted = Object.fromEntries(
    REDUCTIONS.map((name) => [name, (r / batchSize) ** (1 - REDUCTION_EXPONENT[name])]),
  ) as Record<Reduction, number>;
  const significance = options.epochRatios ? ratioSignificance(options.epochRatios) : null;
  const base = {
    significance,
    measured_ratio: measuredRatio,
    last_batch_size: r,
    steps_per_epoch: layout.steps_per_epoch,
    batch_size: batchSize,
    predicted_ratios: predicted,
  };
  const inference = inferReduction({
    measuredRatio,
    batchSize,
    lastBatchSize: r,
    ratioUncertainty: uncertainty,
  });
  if (inference === null) {
    const off = Math.abs(Math.log(measuredRatio));
    return {
      ...base,
      inferred_reduction: null,
      k: null,
      predicted_ratio: 1,
      explains_measurement: off <= Math.log1p(uncertainty),
    };
  }
  // Noise around 1 names no reduction, however close its median falls to one.
  const inferred = significance && !significance.significant ? null : inference.inferred;
  return {
    ...base,
    inferred_reduction: inferred,
    k: inference.k,
    predicted_ratio: inferred === null ? null : inference.predicted_ratio,
    explains_measurement: inferred !== null,
  };
}
