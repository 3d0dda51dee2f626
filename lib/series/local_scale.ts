import { median } from "simple-statistics";

/**
 * A robust, slowly varying noise scale: the MAD of each block of points, interpolated.
 *
 * Why: a loss curve's noise changes over training (large early, small late, or the reverse in
 * log units), so one global scale would hide spikes where the noise is small and invent them
 * where it is large. The median absolute deviation (×1.4826, consistent with σ for Gaussian
 * noise) ignores the spikes themselves. Blocks are at least 2·`minBlock` points; each block's
 * scale is placed at its centre and linearly interpolated in between.
 *
 * The scale is at least half of 1.2533 × the block's mean absolute deviation (also consistent
 * with σ for Gaussian noise, so the bound does not bind there): a block that is smooth but for
 * a few jumps (a running mean, quantised values) has a MAD near 0, and would otherwise turn
 * every small wiggle into a 100-σ spike. Every scale is at least `floor`, so z-scores stay
 * finite. Medians come from simple-statistics. Long series get at most 256 blocks, and each
 * block's MAD is taken on an evenly strided sample of at most 255 of its points (the standard
 * error of a MAD from 255 Gaussian points is about 8 %, and the interpolation averages
 * neighbouring blocks).
 *
 * Cost: O(n) for the interpolation plus O(min(n, 256·255)) for the medians. Input must be
 * finite.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { localScale } from "./local_scale.ts";
 * // ±1 alternating: every deviation from the median 0 is 1, so the MAD scale is 1.4826
 * const scale = localScale(new Float64Array(1000).map((_, i) => (i % 2 ? 1 : -1)), 100);
 * assertAlmostEquals(scale[500], 1.4826, 1e-12);
 * ```
 */
export function localScale(
  residual: Float64Array,
  minBlock = 64,
  floor = 1e-12,
): Float64Array {
  const n = residual.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const blocks = Math.min(256, Math.max(1, Math.floor(n / Math.max(2 * minBlock, 1))));
  const size = n / blocks;
  const centres = new Float64Array(blocks), scales = new Float64Array(blocks);
  const sample = new Float64Array(255), deviations = new Float64Array(255);
  for (let b = 0; b < blocks; b++) {
    const start = Math.round(b * size), end = Math.round((b + 1) * size);
    const stride = Math.max(1, Math.ceil((end - start) / sample.length));
    let count = 0;
    for (let i = start; i < end; i += stride) sample[count++] = residual[i];
    const centre = median(sample.subarray(0, count) as unknown as number[]);
    let sumAbs = 0;
    for (let i = 0; i < count; i++) {
      deviations[i] = Math.abs(sample[i] - centre);
      sumAbs += deviations[i];
    }
    const mad = 1.4826 * median(deviations.subarray(0, count) as unknown as number[]);
    const meanAbs = 1.2533 * sumAbs / count;
    scales[b] = Math.max(mad, 0.5 * meanAbs, floor);
    centres[b] = (start + end - 1) / 2;
  }
  // Flat before the first centre and after the last, linear between neighbouring centres.
  const firstCentre = Math.min(n, Math.floor(centres[0]) + 1);
  out.fill(scales[0], 0, firstCentre);
  for (let b = 0; b + 1 < blocks; b++) {
    const from = Math.floor(centres[b]) + 1, to = Math.min(n, Math.floor(centres[b + 1]) + 1);
    const slope = (scales[b + 1] - scales[b]) / (centres[b + 1] - centres[b]);
    for (let i = from; i < to; i++) out[i] = scales[b] + (i - centres[b]) * slope;
  }
  out.fill(scales[blocks - 1], Math.floor(centres[blocks - 1]) + 1);
  return out;
}
