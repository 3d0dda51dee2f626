import { PROPOSE } from "./tuning.ts";
/**
 * The strongest local maxima of an autocorrelation function, at sub-lag precision.
 *
 * Why: a period shows as a peak of the autocorrelation at its lag (and at every multiple), but
 * the highest peak is often a multiple: for a strict spike train r(P) ≈ r(2P) ≈ r(3P). So the
 * peaks are only candidates, ranked by height, for the fold tests to judge. Each lag is refined
 * by the vertex of the parabola through the peak and its two neighbours, which matters when the
 * period in points is not an integer (1390 steps logged every 10 is 139 points; 157 every 10
 * is 15.7).
 *
 * Cost: O(L) for L lags, plus O(count·log count).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { acfPeaks } from "./acf_peaks.ts";
 * // peaks at lags 3 (0.9) and 6 (0.5), between lags 2 and 7, the two highest
 * assertEquals(acfPeaks(new Float64Array([1, 0, 0.2, 0.9, 0.2, 0, 0.5, 0]), 2, 7, 2), [3, 6]);
 * ```
 */
export function acfPeaks(
  acf: Float64Array,
  minLag: number,
  maxLag: number,
  count: number,
  minHeight = 0,
): number[] {
  const peaks: { lag: number; height: number }[] = [];
  const hi = Math.min(maxLag, acf.length - 2);
  for (let lag = Math.max(1, minLag); lag <= hi; lag++) {
    const v = acf[lag];
    if (v > minHeight && v > acf[lag - 1] && v >= acf[lag + 1]) {
      peaks.push({ lag: vertex(acf, lag), height: v });
    }
  }
  peaks.sort((a, b) => b.height - a.height);
  return peaks.slice(0, count).map((p) => p.lag);
}

/**
 * The abscissa of the parabola's vertex through lags i−1, i, i+1 (i when flat).
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { vertex } from "./acf_peaks.ts";
 * // 0.8, 1, 0.6 around lag 2: the peak leans towards the higher neighbour
 * assertAlmostEquals(vertex(new Float64Array([0, 0.8, 1, 0.6]), 2), 1.8333, 1e-4);
 * ```
 */
export function vertex(y: Float64Array, i: number): number {
  if (i <= 0 || i >= y.length - 1) return i;
  return parabolaVertex(y[i - 1], y[i], y[i + 1], i);
}

/** The vertex of the parabola through (i − 1, a), (i, b), (i + 1, c), kept within ±0.5 of i. */
function parabolaVertex(a: number, b: number, c: number, i: number): number {
  const denominator = a - 2 * b + c;
  if (denominator >= 0) return i;
  const shift = (0.5 * (a - c)) / denominator;
  return Math.abs(shift) <= 0.5 ? i + shift : i;
}

/**
 * Sharpens a period estimate by following the autocorrelation's peaks at its multiples.
 *
 * Why: a peak at lag P is located to about ±0.5 lag, but the peak near k·P is located to the
 * same ±0.5, so P is known to ±0.5/k. Doubling k each time, and searching only the window the
 * current uncertainty allows, reaches the longest multiple the series holds in O(log) steps — a
 * phase-locked loop on the autocorrelation. Stops when the peak fades (below half the first).
 * `acf(lag)` must answer every lag up to maxLag + 1 (the vertex needs the neighbours).
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { refineByMultiples } from "./acf_peaks.ts";
 * // a period of 15.7 points: the lag-16 peak refines to 15.7 through the peaks at its multiples
 * const acf = (lag: number) => Math.cos((2 * Math.PI * lag) / 15.7);
 * assertAlmostEquals(refineByMultiples(acf, 16, 200), 15.7, 1e-3);
 * ```
 */
export function refineByMultiples(
  acf: (lag: number) => number,
  period: number,
  maxLag: number,
): number {
  const first = acf(Math.round(period));
  let best = period, error = 0.5;
  for (let k = 2; k * best <= maxLag; k *= 2) {
    const target = k * best;
    const reach = Math.ceil(k * error) + 1;
    let at = -1, height = -Infinity;
    const lo = Math.max(1, Math.floor(target - reach));
    const hi = Math.min(maxLag, Math.ceil(target + reach));
    for (let lag = lo; lag <= hi; lag++) {
      const v = acf(lag);
      if (v > height) {
        height = v;
        at = lag;
      }
    }
    if (at < 0 || height < PROPOSE.multipleHeight * first) break;
    best = parabolaVertex(acf(at - 1), height, acf(at + 1), at) / k;
    error = 0.5 / k;
  }
  return best;
}
