/** Decimals tried: beyond 12, a float64 loss of order 1 has no decimal grid left to see. */
export const MAX_DECIMALS = 12;

/**
 * The rounding step of a series logged with a fixed number of decimals: the largest 10⁻ᵏ
 * (k = 0…12) of which every finite value is a whole multiple, or 0 when there is none.
 *
 * Why: training frameworks round what they log (the Hugging Face Trainer writes
 * `round(loss, 4)`). Near 10⁻⁴ such a loss takes only a few values, so most steps do not
 * change it and the rest change it by a whole step: a robust noise scale (a MAD, mostly of
 * zeros) is then far below the step, and every rounding step reads as a spike. A noise floor
 * of the same order as the step keeps them noise. Values are taken as multiples of 10⁻ᵏ when
 * x / 10⁻ᵏ is within 10⁻⁶ of a whole number (the error of a float that was printed with k
 * decimals and read back).
 *
 * Cost: O(n) for the k that holds; every k below it stops at its first value off the grid.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { decimalQuantum } from "./quantum.ts";
 * assertEquals(decimalQuantum(new Float64Array([0.0003, 0.0002, 0.0004])), 0.0001);
 * assertEquals(decimalQuantum(new Float64Array([0.123456789, 0.2])), 1e-9);
 * assertEquals(decimalQuantum(new Float64Array([Math.PI, Math.E])), 0);
 * assertEquals(decimalQuantum(new Float64Array([NaN])), 0); // no finite value
 * ```
 */
export function decimalQuantum(x: Float64Array): number {
  let seen = false;
  for (let k = 0; k <= MAX_DECIMALS; k++) {
    const scale = 10 ** k;
    let onGrid = true;
    for (let i = 0; i < x.length && onGrid; i++) {
      const v = x[i];
      if (!Number.isFinite(v)) continue;
      seen = true;
      const q = v * scale;
      onGrid = Math.abs(q - Math.round(q)) <= 1e-6;
    }
    if (!seen) return 0;
    if (onGrid) return 1 / scale;
  }
  return 0;
}
