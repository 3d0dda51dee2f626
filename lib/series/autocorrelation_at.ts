import { mean as average, sumNthPowerDeviations } from "simple-statistics";

/**
 * The normalised autocorrelation of a series at one lag, by the direct sum.
 *
 * Why: the FFT gives every lag at once in O(n log n), but its transform must be padded to
 * n + L to hold lags up to L. When only a few long lags are needed (sharpening a period along
 * its far multiples), each costs O(n − L) directly, and the transform stays short. The value is
 * the one `autocorrelation2` gives, up to rounding: r(L) = Σ (xᵢ − x̄)(xᵢ₊L − x̄) / Σ (xᵢ − x̄)².
 *
 * Cost: O(n) for the moments (once per series, at the first call), O(n − L) per lag. A lag outside 0…n − 1 is 0;
 * a constant series has r(0) = 1 and 0 elsewhere. Inputs must be finite.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { autocorrelationAt } from "./autocorrelation_at.ts";
 * const at = autocorrelationAt(new Float64Array([1, -1, 1, -1]));
 * assertAlmostEquals(at(1), -0.75, 1e-15);
 * assertEquals([at(0), at(4), at(-1)], [1, 0, 0]); // a lag outside 0…n − 1 is 0
 * ```
 */
export function autocorrelationAt(x: Float64Array): (lag: number) => number {
  const n = x.length;
  let mean = NaN, total = NaN;
  const known = new Map<number, number>();
  return (lag: number): number => {
    if (!Number.isInteger(lag) || lag < 0 || lag >= n) return 0;
    if (Number.isNaN(mean)) {
      mean = average(x as unknown as number[]);
      total = sumNthPowerDeviations(x as unknown as number[], 2);
    }
    if (!(total > 0)) return lag === 0 ? 1 : 0;
    let value = known.get(lag);
    if (value !== undefined) return value;
    let sum = 0;
    for (let i = 0; i + lag < n; i++) sum += (x[i] - mean) * (x[i + lag] - mean);
    value = sum / total;
    known.set(lag, value);
    return value;
  };
}
