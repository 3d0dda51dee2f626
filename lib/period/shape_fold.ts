import { JUDGE } from "./tuning.ts";

/** The fold's statistics. */
export interface ShapeFold {
  /** Fraction of the variance the profile explains, adjusted for the number of bins. */
  explained: number;
  /** Normal-equivalent z of the F test (≈ N(0,1) when there is no period). */
  z: number;
  /** Bins (points per cycle). */
  bins: number;
  /** Mean of each bin (the repeating profile). */
  profile: Float64Array;
}

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
 * import { assertEquals } from "@std/assert";
 * import { foldShape } from "./shape_fold.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // a profile of 20 points repeated 20 times with small noise: it explains almost everything
 * const values = Float64Array.from(
 *   { length: 400 },
 *   (_, i) => Math.sin((2 * Math.PI * i) / 20) + 0.05 * noise(),
 * );
 * const finite = new Uint8Array(400).fill(1);
 * const fold = foldShape(values, finite, 20);
 * assertEquals([fold.bins, fold.explained > 0.99, fold.z > 6], [20, true, true]);
 * assertEquals(foldShape(values, finite, 17).z < 3, true); // a wrong period explains nothing
 * ```
 */
export function foldShape(values: Float64Array, finite: Uint8Array, period: number): ShapeFold {
  const bins = Math.ceil(period);
  const sums = new Float64Array(bins), squares = new Float64Array(bins);
  const counts = new Float64Array(bins);
  // Whole cycles only: with a trend in the values, the bins that also get a last, partial
  // cycle would differ from the others by the trend alone. Cycle by cycle, so that no point
  // pays for a floating-point modulo.
  const whole = Math.floor(Math.floor(values.length / period) * period);
  for (let cycle = 0, start = 0; start < whole; start = ++cycle * period) {
    const end = Math.min(whole, (cycle + 1) * period);
    for (let i = Math.ceil(start); i < end; i++) {
      if (!finite[i]) continue;
      const bin = Math.min(bins - 1, Math.floor(i - start)), v = values[i];
      sums[bin] += v;
      squares[bin] += v * v;
      counts[bin]++;
    }
  }
  return binAnova(sums, squares, counts);
}

/**
 * The one-way ANOVA of values gathered in bins, from each bin's sum, sum of squares and count.
 * Shared by every fold that bins a cycle.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { binAnova } from "./shape_fold.ts";
 * // two bins of two values each: 1 ± 0.1 and −1 ± 0.1
 * const sums = Float64Array.from([2, -2]), squares = Float64Array.from([2.02, 2.02]);
 * const fold = binAnova(sums, squares, Float64Array.from([2, 2]));
 * assertEquals([...fold.profile], [1, -1]);
 * assertAlmostEquals(fold.explained, 0.98515, 1e-5);
 * ```
 */
export function binAnova(
  sums: Float64Array,
  squares: Float64Array,
  counts: Float64Array,
): ShapeFold {
  let total = 0, totalSquares = 0, n = 0;
  for (let b = 0; b < sums.length; b++) {
    total += sums[b];
    totalSquares += squares[b];
    n += counts[b];
  }
  const bins = sums.length;
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
  const profile = sums.map((v, b) => (counts[b] > 0 ? v / counts[b] : mean));
  if (!(ssTotal > 0) || d1 < 1 || d2 < 1) return { explained: 0, z: 0, bins, profile };
  const ssWithin = Math.max(ssTotal - ssBetween, 1e-300);
  const f = (ssBetween / d1) / (ssWithin / d2);
  const explained = 1 - (ssWithin / d2) / (ssTotal / (n - 1));
  const a = 2 / (9 * d1), b = 2 / (9 * d2), root = Math.cbrt(f);
  const z = ((1 - b) * root - (1 - a)) / Math.sqrt(a + root * root * b);
  return { explained, z, bins, profile };
}

/**
 * Correlation of a cyclic profile with itself shifted by `shift` bins (linear interpolation
 * between bins for a fractional shift).
 *
 * Why: a profile folded at a multiple Q = k·P of the true period repeats k times within
 * itself; a shift of Q/k then matches it, and the correlation says so. At lag 1 it measures
 * smoothness: near 1 for a slow shape (a warm restart's decay), near 0 for a profile that
 * changes every step (the per-batch difficulty of unshuffled data).
 *
 * Cost: O(bins). Returns 0 for a flat profile.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { profileCorrelation } from "./shape_fold.ts";
 * const profile = Float64Array.from({ length: 20 }, (_, i) => Math.sin((2 * Math.PI * i) / 20));
 * assertAlmostEquals(profileCorrelation(profile, 10), -1, 1e-12); // half a cycle: opposite
 * assertAlmostEquals(profileCorrelation(profile, 20), 1, 1e-12);
 * ```
 */
export function profileCorrelation(profile: Float64Array, shift: number): number {
  const n = profile.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += profile[i];
  mean /= n;
  let cross = 0, energy = 0;
  for (let i = 0; i < n; i++) {
    const at = (i + shift) % n;
    const lo = Math.floor(at), t = at - lo;
    const shifted = (1 - t) * profile[lo % n] + t * profile[(lo + 1) % n];
    cross += (profile[i] - mean) * (shifted - mean);
    energy += (profile[i] - mean) ** 2;
  }
  return energy > 0 ? cross / energy : 0;
}

/**
 * The numbers of times a folded profile may repeat within itself, largest first: every
 * k ≤ `maxRepeats` whose shifts by Q/k, 2Q/k and 3Q/k all correlate at least `threshold`. A
 * smooth profile also matches its small shifts, so each k is only a candidate for the caller
 * to confirm with a fold at Q/k.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { profileRepeats } from "./shape_fold.ts";
 * // four cycles of a sine folded together: it repeats 4 times, and so also 2 times
 * const profile = Float64Array.from({ length: 40 }, (_, i) => Math.sin((2 * Math.PI * i) / 10));
 * assertEquals(profileRepeats(profile), [4, 2]);
 * ```
 */
export function profileRepeats(
  profile: Float64Array,
  maxRepeats: number = JUDGE.maxRepeats,
  threshold: number = JUDGE.repeatCorrelation,
): number[] {
  const found: number[] = [];
  for (let k = 2; k <= maxRepeats && profile.length / k >= 2; k++) {
    let all = true;
    for (let j = 1; j <= Math.min(k - 1, 3) && all; j++) {
      all = profileCorrelation(profile, (j * profile.length) / k) >= threshold;
    }
    if (all) found.push(k);
  }
  return found.reverse();
}
