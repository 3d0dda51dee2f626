/**
 * The binary exponent of a positive finite number: the integer e with 2^e ≤ x < 2^(e+1).
 *
 * `Math.log2` is not exact near powers of two (it may return 2.9999999999999996 for 8, or round
 * 8 − ε up to 3), so its floor is corrected by comparing against exact powers of two, which
 * `2 ** e` produces without error for every e in [−1074, 1023]. Works for fp64 subnormals.
 * O(1).
 *
 * @throws {RangeError} when `x` is not a positive finite number.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { binaryExponent } from "./binary_exponent.ts";
 * assertEquals(binaryExponent(65504), 15);
 * assertEquals(binaryExponent(8), 3);
 * assertEquals(binaryExponent(8 - 2 ** -50), 2);
 * assertEquals(binaryExponent(2 ** -24), -24);
 * assertEquals(binaryExponent(Number.MIN_VALUE), -1074);
 * ```
 */
export function binaryExponent(x: number): number {
  if (!(x > 0 && x < Infinity)) {
    throw new RangeError(`binaryExponent expects a positive finite number, found ${x}`);
  }
  let e = Math.floor(Math.log2(x));
  if (e < -1074) e = -1074;
  if (2 ** e > x) e -= 1;
  else if (e < 1023 && 2 ** (e + 1) <= x) e += 1;
  return e;
}
