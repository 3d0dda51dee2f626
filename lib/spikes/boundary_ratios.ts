import { max, median, min } from "simple-statistics";
import { PREPARE } from "./tuning.ts";

/** The ratios at one step of every epoch. */
export interface BoundaryRatios {
  /** Median, smallest and largest ratio over epochs (null when no epoch could be measured). */
  median: number | null;
  /** The smallest ratio over epochs (null when none was measured). */
  min: number | null;
  /** The largest ratio over epochs (null when none was measured). */
  max: number | null;
  /** Epochs measured. */
  epochs: number;
  /** Share of them where the point is a spike in the ratio's direction (|z| ≥ 3). */
  spikeShare: number;
  /** The point indices measured. */
  indices: number[];
  /** The ratio of every epoch measured, in epoch order (the test of significance reads them). */
  ratios: number[];
}

/**
 * Median of the up-to-`count` finite points before `index` (NaN when there are none).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { precedingMedian } from "./boundary_ratios.ts";
 * assertEquals(precedingMedian(Float64Array.of(1, 2, 3, 100), 3), 2);
 * assertEquals(precedingMedian(Float64Array.of(NaN, 5, NaN), 2), 5); // finite points only
 * ```
 */
export function precedingMedian(
  loss: Float64Array,
  index: number,
  count: number = PREPARE.baselinePoints,
): number {
  const window: number[] = [];
  for (let j = index - 1; j >= 0 && window.length < count; j--) {
    if (Number.isFinite(loss[j])) window.push(loss[j]);
  }
  return window.length > 0 ? median(window) : NaN;
}

/**
 * The loss at one step of every epoch, as a ratio to the steps just before it.
 *
 * Why: "the loss is 4× at the last batch" is the number a person acts on, and it is the number
 * the last-batch model predicts (B/r for a loss normalised twice). The ratio at each epoch's
 * step is `loss / median(the 10 finite points before it)` — the definition the reference
 * PyTorch runs were measured with — and the answer is their median and range over epochs,
 * with the share of epochs where the point is a spike (|z| ≥ 3) in the expected direction.
 *
 * Cost: O(epochs · 10 log 10).
 *
 * Ratios at the points holding step `offset` of every epoch of `stepsPerEpoch` steps, where
 * point i holds step `stepOf(i)`.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { boundaryRatios } from "./boundary_ratios.ts";
 * import { robustResiduals } from "./residuals.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // 10 epochs of 157 steps (5000 samples in batches of 32): a falling loss with 1 % noise,
 * // 4× at the last step of every epoch (a loss normalised twice, on a last batch of 8)
 * const loss = Float64Array.from(
 *   { length: 1570 },
 *   (_, i) => (2 * Math.exp(-i / 600) + 0.3) * (1 + 0.02 * noise()) * (i % 157 === 156 ? 4 : 1),
 * );
 * const { z } = robustResiduals(loss);
 * const last = boundaryRatios(loss, z, (i) => i, 157, 156); // the last step of every epoch
 * assertAlmostEquals(last.median ?? 0, 4, 0.1);
 * assertEquals([last.epochs, last.spikeShare, last.indices.slice(0, 2)], [10, 1, [156, 313]]);
 * assertAlmostEquals(boundaryRatios(loss, z, (i) => i, 157, 0).median ?? 0, 1, 0.05);
 * ```
 */
export function boundaryRatios(
  loss: Float64Array,
  z: Float64Array,
  stepOf: (index: number) => number,
  stepsPerEpoch: number,
  offset: number,
  stride = 1,
): BoundaryRatios {
  const indices: number[] = [];
  const n = loss.length;
  const lastStep = stepOf(n - 1);
  // Walk the points once, keeping the last point at or before each wanted step.
  let wanted = offset;
  for (let i = 0; i < n && wanted <= lastStep; i++) {
    const next = i + 1 < n ? stepOf(i + 1) : Infinity;
    if (stepOf(i) <= wanted && next > wanted) {
      indices.push(i);
      wanted += stepsPerEpoch;
    } else if (stepOf(i) > wanted) {
      wanted += stepsPerEpoch * Math.ceil((stepOf(i) - wanted) / stepsPerEpoch);
      i--;
    }
  }
  // Logged means of several steps: the point holding the step is the one labelled at or
  // before it (labels at block starts) or the next one (labels at block ends); take the more
  // extreme of the two.
  if (stride > 1) {
    for (let j = 0; j < indices.length; j++) {
      const i = indices[j];
      if (i + 1 < n && Math.abs(z[i + 1]) > Math.abs(z[i])) indices[j] = i + 1;
    }
  }
  const ratios: number[] = [];
  let spikes = 0, measured = 0;
  for (const i of indices) {
    const base = precedingMedian(loss, i);
    if (!Number.isFinite(loss[i]) || !(base !== 0) || !Number.isFinite(base)) continue;
    measured++;
    const ratio = loss[i] / base;
    ratios.push(ratio);
    const bar = PREPARE.boundaryZ;
    if ((ratio >= 1 && z[i] >= bar) || (ratio < 1 && z[i] <= -bar)) spikes++;
  }
  const positive = ratios.filter((r) => r > 0);
  return {
    median: ratios.length > 0 ? median(ratios) : null,
    min: positive.length > 0 ? min(positive) : null,
    max: positive.length > 0 ? max(positive) : null,
    epochs: measured,
    spikeShare: measured > 0 ? spikes / measured : 0,
    indices,
    ratios,
  };
}
