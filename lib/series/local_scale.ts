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
 * finite. Medians come from simple-statistics. Long series get at most 1024 blocks, and each
 * block's MAD is taken on an evenly strided sample of at most 255 of its points (the standard
 * error of a MAD from 255 Gaussian points is about 8 %, and the interpolation averages
 * neighbouring blocks).
 *
 * Cost: O(n) for the interpolation plus O(min(n, 1024·255)) for the medians. Input must be
 * finite.
 *
 * @example
 * ```ts
 * localScale(new Float64Array(1000).map((_, i) => (i % 2 ? 1 : -1)), 100)[500]; // 1.4826
 * ```
 */
import { median } from "simple-statistics";

export function localScale(
  residual: Float64Array,
  minBlock = 64,
  floor = 1e-12,
): Float64Array {
  const n = residual.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const blocks = Math.min(1024, Math.max(1, Math.floor(n / Math.max(2 * minBlock, 1))));
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
  let b = 0;
  for (let i = 0; i < n; i++) {
    while (b < blocks - 1 && centres[b + 1] <= i) b++;
    if (i <= centres[0] || b === blocks - 1) {
      out[i] = i <= centres[0] ? scales[0] : scales[blocks - 1];
    } else {
      const t = (i - centres[b]) / (centres[b + 1] - centres[b]);
      out[i] = scales[b] + t * (scales[b + 1] - scales[b]);
    }
  }
  return out;
}
