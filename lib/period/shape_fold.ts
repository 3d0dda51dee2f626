/**
 * How much of a series' variance a repeating profile of a trial period explains.
 *
 * Why: some periodic causes are not spikes but a shape that recurs every epoch: unshuffled data
 * (the same batches in the same order, so the same per-step difficulty profile), a saw-tooth
 * from logging the running mean since the epoch began. Folding the values modulo P into one
 * bin per point of the cycle and comparing the bin means (a one-way ANOVA) measures it. One
 * point per cycle falls in each bin, so neighbouring, correlated points never share a bin and
 * autocorrelated noise does not inflate the test. The F statistic's upper tail uses Paulson's
 * normal approximation (Wilson–Hilferty cube roots of both χ² terms), good for any d₁, d₂ ≥ 3.
 *
 * Cost: O(n + P).
 *
 * @example
 * ```ts
 * // a profile repeated 10 times with small noise: r2 ≈ 1, z ≫ 6
 * ```
 */

/** The fold's statistics. */
export interface ShapeFold {
  /** Fraction of the variance the profile explains, adjusted for the number of bins. */
  explained: number;
  /** Normal-equivalent z of the F test (≈ N(0,1) when there is no period). */
  z: number;
  /** Bins (points per cycle). */
  bins: number;
}

export function foldShape(values: Float64Array, finite: Uint8Array, period: number): ShapeFold {
  const bins = Math.ceil(period);
  const sums = new Float64Array(bins), counts = new Float64Array(bins);
  let total = 0, totalSquares = 0, n = 0;
  for (let i = 0; i < values.length; i++) {
    if (!finite[i]) continue;
    const bin = Math.min(bins - 1, Math.floor(i % period));
    const v = values[i];
    sums[bin] += v;
    counts[bin]++;
    total += v;
    totalSquares += v * v;
    n++;
  }
  const mean = total / n;
  const ssTotal = totalSquares - n * mean * mean;
  let ssBetween = 0, used = 0;
  for (let b = 0; b < bins; b++) {
    if (counts[b] === 0) continue;
    const m = sums[b] / counts[b];
    ssBetween += counts[b] * (m - mean) * (m - mean);
    used++;
  }
  const d1 = used - 1, d2 = n - used;
  if (!(ssTotal > 0) || d1 < 1 || d2 < 1) return { explained: 0, z: 0, bins };
  const ssWithin = Math.max(ssTotal - ssBetween, 1e-300);
  const f = (ssBetween / d1) / (ssWithin / d2);
  const explained = 1 - (ssWithin / d2) / (ssTotal / (n - 1));
  const a = 2 / (9 * d1), b = 2 / (9 * d2), root = Math.cbrt(f);
  const z = ((1 - b) * root - (1 - a)) / Math.sqrt(a + root * root * b);
  return { explained, z, bins };
}
